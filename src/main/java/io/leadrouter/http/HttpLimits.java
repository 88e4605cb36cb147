package io.leadrouter.http;

import io.leadrouter.config.Config;

/**
 * What one node's HTTP server holds on behalf of clients, and for how long: the node-wide budget of body bytes
 * in flight, how long a connection may wait for its first request's headers, how long a request's body may take
 * to arrive, and how long a connection may stay silent (an idle keep-alive connection or a stalled transfer).
 * {@code logLagMs}: how long a resumed event stream waits before it reads the assignment log, so that every pick
 * acknowledged before it subscribed is there (the write-behind writes within one flush interval; two, and a
 * margin, cover a flush in flight).
 */
public record HttpLimits(BodyBudget bodies, long headerTimeoutMs, long bodyTimeoutMs, int idleTimeoutSeconds,
    long logLagMs) {

  /** One per node: every HTTP verticle of the node shares the budget. */
  public static HttpLimits of(Config config) {
    return new HttpLimits(new BodyBudget(config.httpBodyBudgetBytes()), config.httpHeaderTimeoutMs(),
        config.httpBodyTimeoutMs(), config.httpIdleSeconds(), 2 * config.flushIntervalMs() + 100);
  }
}
