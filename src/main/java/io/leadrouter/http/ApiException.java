package io.leadrouter.http;

/**
 * The one failure type of the API edge: an HTTP status, a stable code and a message naming what was wrong.
 * Rendered as {@code {"error": {"code": ..., "message": ...}}} by the failure handler.
 */
public final class ApiException extends RuntimeException {

  private final int status;

  public ApiException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public String code() {
    return codeOf(status);
  }

  public static String codeOf(int status) {
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
      default -> status >= 500 ? "internal" : "error";
    };
  }

  public static ApiException invalid(String message) {
    return new ApiException(400, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message);
  }
}
