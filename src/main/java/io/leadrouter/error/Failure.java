package io.leadrouter.error;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * A failure as every edge answers it: HTTP status (also the event-bus failure code), stable code and message.
 * {@link #of(Throwable)} is the one mapping from a failure to its answer; {@code unexpected} marks a bug (500,
 * message hidden), which the edge logs with its stack trace.
 */
public record Failure(int status, String code, String message, boolean unexpected, String field, JsonObject details) {

  /** A failure that names no field and carries no details. */
  public Failure(int status, String code, String message, boolean unexpected) {
    this(status, code, message, unexpected, null, null);
  }

  public static Failure of(Throwable t) {
    if (t instanceof ApiException e) {
      return new Failure(e.status(), e.code(), e.getMessage(), false, e.field(), e.details());
    }
    if (t instanceof DecodeException) {
      return of(ErrorKind.INVALID.status(), "body: not valid JSON");
    }
    return new Failure(ErrorKind.INTERNAL.status(), ErrorKind.INTERNAL.code(), "internal error", true);
  }

  /** A failure the edge produces itself (a route it does not know, a body over its limit). */
  public static Failure of(int status, String message) {
    return new Failure(status, ErrorKind.codeOf(status), message, false);
  }

  /**
   * The JSON error body: {@code {"error": {"code": ..., "message": ...}}}, plus {@code "field"} (the path of the
   * bad request field, {@code members[2].weight}) when one is known, plus the details' fields if any.
   */
  public JsonObject json() {
    JsonObject error = new JsonObject().put("code", code).put("message", message);
    if (field != null) {
      error.put("field", field);
    }
    if (details != null) {
      details.forEach(e -> error.put(e.getKey(), e.getValue()));
    }
    return new JsonObject().put("error", error);
  }
}
