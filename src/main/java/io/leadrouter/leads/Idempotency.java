package io.leadrouter.leads;

/**
 * The stored state of one Idempotency-Key: who claimed it with which request ({@code requestHash}) and,
 * once done, the response to replay ({@code status}, {@code body}; null while the first request runs).
 */
public record Idempotency(String requestHash, Integer status, String body) {

  public boolean done() {
    return status != null;
  }
}
