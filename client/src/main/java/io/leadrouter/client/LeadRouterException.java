package io.leadrouter.client;

/**
 * A call Lead Router refused, or one the client gave up on: the HTTP status, the API's error code and its
 * message, as the API words them (the event bus carries the status as the failure code and the message; the
 * code is then the one the API uses for that status).
 */
public class LeadRouterException extends RuntimeException {

  private final int status;
  private final String code;

  public LeadRouterException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code == null ? codeOf(status) : code;
  }

  /** The HTTP status: 400 invalid input, 401, 403, 404, 409 (state conflict), 422 (key reused), 503 … */
  public int status() {
    return status;
  }

  /** The API's error code ({@code invalid_input}, {@code not_found}, {@code conflict}, …). */
  public String code() {
    return code;
  }

  /**
   * Whether the same call may be sent again with the same Idempotency-Key: the service was unavailable or did
   * not answer (502, 503, 504 from a proxy, 408, 429), or the first attempt with the key is still running somewhere (409 about the key).
   */
  public boolean retryable() {
    return status == 503 || status == 502 || status == 504 || status == 408 || status == 429
        || status == 409 && getMessage() != null && getMessage().startsWith("Idempotency-Key:");
  }

  @Override
  public String toString() {
    return "LeadRouterException{" + status + " " + code + ": " + getMessage() + "}";
  }

  /** The code the API gives a status (its fixed table of errors). */
  static String codeOf(int status) {
    return switch (status) {
      case 400 -> "invalid_input";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 408 -> "request_timeout";
      case 409 -> "conflict";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 422 -> "unprocessable";
      case 429 -> "too_many_requests";
      case 503 -> "unavailable";
      default -> "internal";
    };
  }
}
