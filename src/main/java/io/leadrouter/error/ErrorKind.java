package io.leadrouter.error;

/**
 * The fixed table of failures every edge answers with: the HTTP status, and the stable code of the JSON
 * error body. The event-bus API's failure code is the same status, so a caller sees the same failure
 * whichever edge it uses. 500 is for bugs only.
 */
public enum ErrorKind {
  INVALID(400, "invalid_input"),
  UNAUTHORIZED(401, "unauthorized"),
  FORBIDDEN(403, "forbidden"),
  NOT_FOUND(404, "not_found"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed"),
  REQUEST_TIMEOUT(408, "request_timeout"),
  CONFLICT(409, "conflict"),
  PAYLOAD_TOO_LARGE(413, "payload_too_large"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
  UNPROCESSABLE(422, "unprocessable"),
  TOO_MANY_REQUESTS(429, "too_many_requests"),
  INTERNAL(500, "internal"),
  UNAVAILABLE(503, "unavailable");

  private final int status;
  private final String code;

  ErrorKind(int status, String code) {
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** The kind of an HTTP status; a status outside the table is {@link #INTERNAL} (only a bug produces one). */
  public static ErrorKind of(int status) {
    for (ErrorKind k : values()) {
      if (k.status == status) {
        return k;
      }
    }
    return INTERNAL;
  }

  /**
   * The code of any status, also one outside the table (vert.x-web may fail a request with a status of its
   * own): {@code internal} for 5xx, {@code error} otherwise.
   */
  public static String codeOf(int status) {
    for (ErrorKind k : values()) {
      if (k.status == status) {
        return k.code;
      }
    }
    return status >= 500 ? INTERNAL.code : "error";
  }
}
