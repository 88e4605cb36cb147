package io.leadrouter.error;

import io.vertx.core.json.JsonObject;

/**
 * The one failure type: an {@link ErrorKind} and a message naming what was wrong. The failures of the layers
 * below the edges ({@code StoreException}, the owner's {@code ServiceException} and {@code ReplicaException})
 * are subclasses, so {@link Failure#of} maps any of them the same way for HTTP, the event-bus API and
 * replayed Idempotency-Key answers. No stack trace unless a subclass asks for one: most are expected answers.
 */
public class ApiException extends RuntimeException {

  private final ErrorKind kind;
  private final String code;
  private final JsonObject details;
  /** The path of the request field that was wrong ({@code members[2].weight}), or null when none is known. */
  private final String field;

  public ApiException(ErrorKind kind, String message) {
    this(kind, null, message, null, null);
  }

  /**
   * A failure with a finer code than its kind's (e.g. {@code no_eligible_member}, a 409) and {@code details}:
   * fields added to the error object beside code and message (null: none).
   */
  public ApiException(ErrorKind kind, String code, String message, JsonObject details) {
    this(kind, code, message, details, null);
  }

  private ApiException(ErrorKind kind, String code, String message, JsonObject details, String field) {
    super(message, null, false, false);
    this.kind = kind;
    this.code = code;
    this.details = details;
    this.field = field;
  }

  /** For a status of the {@link ErrorKind} table (any other is {@link ErrorKind#INTERNAL}). */
  public ApiException(int status, String message) {
    this(ErrorKind.of(status), message);
  }

  protected ApiException(ErrorKind kind, String message, Throwable cause, boolean stackTrace) {
    super(message, cause, false, stackTrace);
    this.kind = kind;
    this.code = null;
    this.details = null;
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
    return code == null ? kind.code() : code;
  }

  /** Extra fields of the error object, or null. */
  public final JsonObject details() {
    return details;
  }

  public static ApiException invalid(String message) {
    return new ApiException(ErrorKind.INVALID, message);
  }

  /** Bad input in the field at {@code path}: the message is {@code "path: problem"}. */
  public static ApiException invalidField(String path, String problem) {
    return new ApiException(ErrorKind.INVALID, null, path + ": " + problem, null, path);
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
