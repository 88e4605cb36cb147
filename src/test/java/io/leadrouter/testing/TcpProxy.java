package io.leadrouter.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on 127.0.0.1 that a test can {@link #cut()} (every open connection closed, new ones
 * closed as soon as they are accepted) and {@link #restore()}: an outage of the server behind it, such as
 * Postgres, without stopping that server. Keep it in a field.
 */
public final class TcpProxy implements AutoCloseable {

  private final NetServer server;
  private final NetClient client;
  private final String targetHost;
  private final int targetPort;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  private TcpProxy(Vertx vertx, String targetHost, int targetPort) {
    this.server = vertx.createNetServer();
    this.client = vertx.createNetClient();
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  /** Listens on a free port of 127.0.0.1 and forwards every connection to {@code host:port}. */
  public static Future<TcpProxy> start(Vertx vertx, String host, int port) {
    TcpProxy proxy = new TcpProxy(vertx, host, port);
    return proxy.server.connectHandler(proxy::accept).listen(0, "127.0.0.1").map(s -> proxy);
  }

  public int port() {
    return server.actualPort();
  }

  /** Closes every forwarded connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    open.forEach(NetSocket::close);
  }

  public void restore() {
    cut = false;
  }

  private void accept(NetSocket front) {
    if (cut) {
      front.close();
      return;
    }
    front.pause();
    client.connect(targetPort, targetHost).onComplete(ar -> {
      if (ar.failed()) {
        front.close();
        return;
      }
      NetSocket back = ar.result();
      if (cut) {
        back.close();
        front.close();
        return;
      }
      open.add(front);
      open.add(back);
      front.closeHandler(v -> {
        open.remove(front);
        back.close();
      });
      back.closeHandler(v -> {
        open.remove(back);
        front.close();
      });
      front.handler(back::write);
      back.handler(front::write);
      front.resume();
    });
  }

  @Override
  public void close() {
    cut();
    server.close();
    client.close();
  }
}
