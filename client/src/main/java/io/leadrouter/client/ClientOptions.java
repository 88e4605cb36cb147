package io.leadrouter.client;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What both transports share: the JWT sent with every call ({@code token}, asked for on every attempt, so it may
 * rotate), how long one attempt may wait for its answer, and how long a logical call may take over all its
 * attempts. A call is retried (same Idempotency-Key, back-off from 50 ms doubling up to {@code maxBackoff})
 * while it is unavailable (503), unanswered, or its key's first attempt still runs, until {@code callTimeout}.
 */
public record ClientOptions(Supplier<String> token, Duration attemptTimeout, Duration callTimeout, Duration maxBackoff) {

  public ClientOptions {
    Objects.requireNonNull(token, "token");
    if (attemptTimeout.isNegative() || attemptTimeout.isZero() || callTimeout.compareTo(attemptTimeout) < 0) {
      throw new IllegalArgumentException("attemptTimeout must be positive and at most callTimeout");
    }
  }

  /** A fixed JWT; attempts of 10 s, calls of at most 60 s, back-off up to 1 s. */
  public static ClientOptions withToken(String jwt) {
    Objects.requireNonNull(jwt, "jwt");
    return new ClientOptions(() -> jwt, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(1));
  }

  public ClientOptions attemptTimeout(Duration d) {
    return new ClientOptions(token, d, callTimeout, maxBackoff);
  }

  public ClientOptions callTimeout(Duration d) {
    return new ClientOptions(token, attemptTimeout, d, maxBackoff);
  }
}
