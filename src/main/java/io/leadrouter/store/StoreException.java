package io.leadrouter.store;

/** A store failure the caller can explain: the kind maps to an HTTP status at the edge. */
public class StoreException extends RuntimeException {

  public enum Kind { NOT_FOUND, CONFLICT, INVALID, UNAVAILABLE }

  private final Kind kind;

  public StoreException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public StoreException(Kind kind, String message, Throwable cause) {
    super(message, cause, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
