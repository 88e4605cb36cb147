package io.leadrouter.error;

/**
 * The one failure type: an {@link ErrorKind} and a message naming what was wrong. The failures of the layers
 * below the edges ({@code StoreException}, the owner's {@code ServiceException} and {@code ReplicaException})
 * are subclasses, so {@link Failure#of} maps any of them the same way for HTTP, the event-bus API and
 * replayed Idempotency-Key answers. No stack trace unless a subclass asks for one: most are expected answers.
 */
public class ApiException extends RuntimeException {

  private final ErrorKind kind;
  /** The path of the request field that was wrong ({@code members[2].weight}), or null when none is known. */
  private final String field;

  public ApiException(ErrorKind kind, String message) {
    this(kind, message, (String) null);
  }

  private ApiException(ErrorKind kind, String message, String field) {
    super(message, null, false, false);
    this.kind = kind;
    this.field = field;
  }

  /** For a status of the {@link ErrorKind} table (any other is {@link ErrorKind#INTERNAL}). */
  public ApiException(int status, String message) {
    this(ErrorKind.of(status), message);
  }

  protected ApiException(ErrorKind kind, String message, Throwable cause, boolean stackTrace) {
    super(message, cause, false, stackTrace);
    this.kind = kind;
    this.field = null;
  }

  /** Named {@code error}, not {@code kind}: subclasses keep their own, finer {@code kind()}. */
  public final ErrorKind error() {
    return kind;
  }

  public final String field() {
    return field;
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

  /** Bad input in the field at {@code path}: the message is {@code "path: problem"}. */
  public static ApiException invalidField(String path, String problem) {
    return new ApiException(ErrorKind.INVALID, path + ": " + problem, path);
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
