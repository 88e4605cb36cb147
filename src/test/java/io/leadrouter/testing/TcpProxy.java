package io.leadrouter.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A TCP forwarder on 127.0.0.1 in front of a server such as Postgres, for outages of that server without
 * stopping it. Two kinds:
 * <ul>
 *   <li>{@link #cut()}: every open connection closed, new ones closed as soon as they are accepted (a
 *       server that is down, or a network that answers with resets), until {@link #restore()};
 *   <li>{@link #blackhole()}: connections stay open and new ones are accepted, but no byte moves either way
 *       and no close is passed on (a network that silently drops packets), until {@link #resume()}: then what
 *       was sent in the meantime arrives, like TCP retransmissions after the network heals, and connections
 *       closed during the blackhole are closed on the other side too.
 * </ul>
 * All state lives on one event-loop context; the switches may be called from any thread. Keep it in a field.
 */
public final class TcpProxy implements AutoCloseable {

  private final Context context;
  private final NetServer server;
  private final NetClient client;
  private final String targetHost;
  private final int targetPort;
  private final Set<Link> links = new LinkedHashSet<>();
  private boolean cut;
  private boolean blackholed;

  private TcpProxy(Vertx vertx, String targetHost, int targetPort) {
    this.context = vertx.getOrCreateContext();
    this.server = vertx.createNetServer();
    this.client = vertx.createNetClient();
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  /** Listens on a free port of 127.0.0.1 and forwards every connection to {@code host:port}. */
  public static Future<TcpProxy> start(Vertx vertx, String host, int port) {
    TcpProxy proxy = new TcpProxy(vertx, host, port);
    Promise<TcpProxy> started = Promise.promise();
    proxy.context.runOnContext(v -> proxy.server.connectHandler(proxy::accept).listen(0, "127.0.0.1")
        .map(s -> proxy).onComplete(started));
    return started.future();
  }

  /** A proxy in front of the Postgres of {@code pgUri}. */
  public static Future<TcpProxy> forPostgres(Vertx vertx, String pgUri) {
    PgConnectOptions direct = PgConnectOptions.fromUri(pgUri);
    return start(vertx, direct.getHost(), direct.getPort());
  }

  public int port() {
    return server.actualPort();
  }

  /** {@code uri} (postgresql://user:pass@host:port/db?params) with host and port replaced by this proxy's. */
  public String via(String uri) {
    URI u = URI.create(uri);
    String userInfo = u.getRawUserInfo() == null ? "" : u.getRawUserInfo() + "@";
    return u.getScheme() + "://" + userInfo + "127.0.0.1:" + port() + u.getRawPath()
        + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
  }

  /** Closes every forwarded connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    onContext(() -> {
      cut = true;
      for (Link link : List.copyOf(links)) {
        link.close();
      }
    });
  }

  public void restore() {
    onContext(() -> cut = false);
  }

  /** Stops forwarding bytes and closes, keeping every connection open; new connections hang too. */
  public void blackhole() {
    onContext(() -> {
      blackholed = true;
      links.forEach(Link::pause);
    });
  }

  /** Ends a {@link #blackhole()}: forwarding resumes where it stopped. */
  public void resume() {
    onContext(() -> {
      blackholed = false;
      for (Link link : List.copyOf(links)) {
        link.resume();
      }
    });
  }

  private void accept(NetSocket front) {
    if (cut) {
      front.close();
      return;
    }
    front.pause();
    Link link = new Link(front);
    links.add(link);
    front.closeHandler(v -> link.frontClosed());
    if (!blackholed) {
      link.connect();
    }
  }

  /** Runs on the proxy's context; waits for it unless the caller is on an event loop. */
  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
      return;
    }
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      action.run();
      done.complete();
    });
    if (Context.isOnVertxThread()) {
      return;
    }
    try {
      done.future().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("tcp proxy: switch did not run", e);
    }
  }

  /** One forwarded connection: the client's socket and, once connected, the server's. */
  private final class Link {
    private final NetSocket front;
    private NetSocket back;
    private boolean connecting;
    private boolean frontGone;
    private boolean backGone;

    Link(NetSocket front) {
      this.front = front;
    }

    void connect() {
      connecting = true;
      client.connect(targetPort, targetHost).onComplete(ar -> {
        connecting = false;
        if (ar.failed() || cut || frontGone) {
          if (ar.succeeded()) {
            ar.result().close();
          }
          close();
          return;
        }
        back = ar.result();
        back.closeHandler(v -> backClosed());
        front.handler(back::write);
        back.handler(front::write);
        if (blackholed) {
          back.pause();
        } else {
          front.resume();
        }
      });
    }

    void pause() {
      front.pause();
      if (back != null) {
        back.pause();
      }
    }

    void resume() {
      if (frontGone || backGone) {
        close();
      } else if (back == null) {
        if (!connecting) {
          connect();
        }
      } else {
        back.resume();
        front.resume();
      }
    }

    void frontClosed() {
      frontGone = true;
      if (!blackholed) {
        close();
      }
    }

    void backClosed() {
      backGone = true;
      if (!blackholed) {
        close();
      }
    }

    void close() {
      links.remove(this);
      front.close();
      if (back != null) {
        back.close();
      }
    }
  }

  @Override
  public void close() {
    cut();
    server.close();
    client.close();
  }
}
