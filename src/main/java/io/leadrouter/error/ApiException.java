package io.leadrouter.error;

/**
 * The one failure type: an {@link ErrorKind} and a message naming what was wrong. The failures of the layers
 * below the edges ({@code StoreException}, the owner's {@code ServiceException} and {@code ReplicaException})
 * are subclasses, so {@link Failure#of} maps any of them the same way for HTTP, the event-bus API and
 * replayed Idempotency-Key answers. No stack trace unless a subclass asks for one: most are expected answers.
 */
public class ApiException extends RuntimeException {

  private final ErrorKind kind;

  public ApiException(ErrorKind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  /** For a status of the {@link ErrorKind} table (any other is {@link ErrorKind#INTERNAL}). */
  public ApiException(int status, String message) {
    this(ErrorKind.of(status), message);
  }

  protected ApiException(ErrorKind kind, String message, Throwable cause, boolean stackTrace) {
    super(message, cause, false, stackTrace);
    this.kind = kind;
  }

  /** Named {@code error}, not {@code kind}: subclasses keep their own, finer {@code kind()}. */
  public final ErrorKind error() {
    return kind;
  }

  public int status() {
    return kind.status();
  }

  public final String code() {
    return kind.code();
  }

  public static ApiException invalid(String message) {
    return new ApiException(ErrorKind.INVALID, message);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(ErrorKind.UNAUTHORIZED, message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(ErrorKind.FORBIDDEN, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(ErrorKind.NOT_FOUND, message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(ErrorKind.CONFLICT, message);
  }
}
