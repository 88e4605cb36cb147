package io.leadrouter.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.util.HashMap;
import java.util.Map;

/**
 * Closes a connection whose first request's headers have not arrived within {@code http-header-timeout-ms}:
 * the idle timeout alone would let a client dribble a header byte now and then and keep the connection for
 * ever. Later requests on a kept-alive connection are bounded by the idle timeout. One per HTTP verticle, used
 * on its event loop only.
 */
final class HeaderDeadline {

  private final Vertx vertx;
  private final long timeoutMs;
  private final Map<HttpConnection, Long> waiting = new HashMap<>();

  HeaderDeadline(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  void opened(HttpConnection connection) {
    long timer = vertx.setTimer(timeoutMs, id -> {
      if (waiting.remove(connection) != null) {
        connection.close();
      }
    });
    waiting.put(connection, timer);
    connection.closeHandler(v -> {
      Long pending = waiting.remove(connection);
      if (pending != null) {
        vertx.cancelTimer(pending);
      }
    });
  }

  void arrived(HttpConnection connection) {
    if (waiting.isEmpty()) {
      return;
    }
    Long pending = waiting.remove(connection);
    if (pending != null) {
      vertx.cancelTimer(pending);
    }
  }
}
