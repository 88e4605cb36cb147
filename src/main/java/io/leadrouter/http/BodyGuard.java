package io.leadrouter.http;

import io.leadrouter.error.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Request bodies are read only once the request may have one: after authentication, within the route's size
 * limit and within the node's {@link BodyBudget}, and only for {@code http-body-timeout-ms}. Until then a body
 * stays unread in the socket ({@link #hold}). A request answered before its body was read (401, 404, 413, 503,
 * 408) has the rest of its body read and dropped for a moment, so that a client which sends its whole body
 * before reading gets the answer rather than a reset, and the connection can serve the next request; one that
 * keeps sending past {@link #LINGER_BYTES} or {@link #LINGER_MS} is closed. Either way nothing is kept: a client
 * cannot park a megabyte per connection in the node's heap.
 */
final class BodyGuard {

  /** How long, and how much of, the unread rest of an answered request is read and dropped before closing. */
  static final long LINGER_MS = 2_000;
  static final long LINGER_BYTES = 2 * 1024 * 1024;
  private static final String LIMIT = "bodyLimit";

  private final Vertx vertx;
  private final BodyBudget budget;
  private final long timeoutMs;

  BodyGuard(Vertx vertx, HttpLimits limits) {
    this.vertx = vertx;
    this.budget = limits.bodies();
    this.timeoutMs = limits.bodyTimeoutMs();
  }

  /** The size limit of the request's route, for the 413 message. */
  static long limit(RoutingContext ctx) {
    Long limit = ctx.get(LIMIT);
    return limit == null ? HttpApiVerticle.MAX_BODY : limit;
  }

  /** Whether the request carries a body (as BodyHandler decides it): a Content-Length or Transfer-Encoding. */
  static boolean hasBody(HttpServerRequest request) {
    return request.headers().contains(HttpHeaders.CONTENT_LENGTH)
        || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
  }

  /** The declared Content-Length, or -1 when there is none (chunked) or it is unreadable. */
  static long declaredLength(HttpServerRequest request) {
    String raw = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (raw == null || request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
      return -1;
    }
    try {
      return Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** First handler of every request: keeps a body unread until a route admits it. */
  void hold(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!hasBody(request)) {
      ctx.next();
      return;
    }
    request.pause();
    ctx.addEndHandler(done -> {
      if (!request.isEnded()) {
        linger(request);
      }
    });
    ctx.next();
  }

  /** Reads and drops the rest of an answered request's body, closing the connection if it takes too long. */
  private void linger(HttpServerRequest request) {
    long timer = vertx.setTimer(LINGER_MS, id -> request.connection().close());
    long[] dropped = {0};
    request.exceptionHandler(gone -> vertx.cancelTimer(timer))
        .endHandler(end -> vertx.cancelTimer(timer))
        .handler(chunk -> {
          dropped[0] += chunk.length();
          if (dropped[0] > LINGER_BYTES) {
            vertx.cancelTimer(timer);
            request.connection().close();
          }
        })
        .resume();
  }

  /**
   * For a route that takes no body: one declared over {@code maxBytes} is refused (413) at once; any other is
   * never read, and dropped after the answer ({@link #hold}). Costs a header lookup on a request without one.
   */
  Handler<RoutingContext> declaredWithin(long maxBytes) {
    return ctx -> {
      if (hasBody(ctx.request()) && declaredLength(ctx.request()) > maxBytes) {
        ctx.put(LIMIT, maxBytes);
        ctx.fail(new ApiException(413, "body: larger than " + maxBytes + " bytes"));
        return;
      }
      ctx.next();
    };
  }

  /**
   * Admits the body of a request with at most {@code maxBytes}: 413 when it declares more, 503 when the node's
   * budget has no room for it now (a retry may succeed), 408 when it does not arrive within the body timeout.
   * {@code anonymous}: the sender is not authenticated yet, so only the anonymous share of the budget is open.
   */
  Handler<RoutingContext> admit(long maxBytes, boolean anonymous) {
    return ctx -> {
      ctx.put(LIMIT, maxBytes);
      HttpServerRequest request = ctx.request();
      if (!hasBody(request)) {
        ctx.next();
        return;
      }
      long declared = declaredLength(request);
      if (declared > maxBytes) {
        ctx.fail(new ApiException(413, "body: larger than " + maxBytes + " bytes"));
        return;
      }
      long reserved = declared >= 0 ? declared : maxBytes;
      if (!budget.tryReserve(reserved, anonymous)) {
        ctx.fail(new ApiException(503, "body: this node is receiving too many request bodies right now; retry"));
        return;
      }
      long timer = vertx.setTimer(timeoutMs, id -> {
        if (!request.isEnded() && !ctx.response().ended()) {
          ctx.fail(new ApiException(408, "body: not received within " + timeoutMs + " ms"));
        }
      });
      boolean[] released = {false};
      ctx.addEndHandler(done -> {
        vertx.cancelTimer(timer);
        if (!released[0]) {
          released[0] = true;
          budget.release(reserved, anonymous);
        }
      });
      ctx.next();
    };
  }
}
