package io.leadrouter.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.IntFunction;

/**
 * One logical call over its attempts: each attempt carries the same Idempotency-Key (chosen by the caller of
 * {@link #call}), so however many attempts reach the service, it runs the call at most once and every attempt
 * after the first that ran gets that first answer. Retried while {@link LeadRouterException#retryable()}, with
 * a doubling back-off, until the call's time is up; then the last failure is the call's answer.
 */
final class Retry {

  private static final long FIRST_BACKOFF_MS = 50;

  private final Vertx vertx;
  private final ClientOptions options;

  Retry(Vertx vertx, ClientOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  /** {@code attempt.apply(n)} sends attempt {@code n} (0, 1, …); its failures are {@link LeadRouterException}s. */
  <T> Future<T> call(IntFunction<Future<T>> attempt) {
    long deadline = System.nanoTime() + options.callTimeout().toNanos();
    return attempt(attempt, 0, FIRST_BACKOFF_MS, deadline);
  }

  private <T> Future<T> attempt(IntFunction<Future<T>> attempt, int n, long backoffMs, long deadline) {
    Future<T> sent;
    try {
      sent = attempt.apply(n);
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    return sent.recover(e -> {
      long leftMs = (deadline - System.nanoTime()) / 1_000_000;
      if (e instanceof LeadRouterException l && l.retryable() && leftMs > backoffMs) {
        long next = Math.min(backoffMs * 2, options.maxBackoff().toMillis());
        return vertx.timer(backoffMs).compose(t -> attempt(attempt, n + 1, next, deadline));
      }
      if (e instanceof LeadRouterException l && l.retryable()) {
        return Future.failedFuture(new LeadRouterException(l.status(), l.code(), "gave up after " + (n + 1)
            + " attempts in " + options.callTimeout().toMillis() + " ms: " + l.getMessage()));
      }
      return Future.failedFuture(e);
    });
  }
}
