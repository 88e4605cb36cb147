package io.leadrouter.owner;

/** A failed command, with the HTTP status it maps to. */
public final class ServiceException extends RuntimeException {

  private final int status;

  public ServiceException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
