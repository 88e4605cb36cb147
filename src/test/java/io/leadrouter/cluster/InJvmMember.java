package io.leadrouter.cluster;

import io.leadrouter.LeadRouter;
import io.leadrouter.Stores;
import io.leadrouter.auth.Jwt;
import io.leadrouter.config.Config;
import io.leadrouter.ops.Metrics;
import io.leadrouter.store.pg.PgStore;
import io.leadrouter.store.pg.Postgres;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A whole cluster member in this JVM: its own clustered Vert.x, Hazelcast member, Postgres pool and HTTP port. */
final class InJvmMember {

  final ClusterNode node;
  final PgStore store;
  final LeadRouter app;
  final int hazelcastPort;

  private InJvmMember(ClusterNode node, PgStore store, LeadRouter app, int hazelcastPort) {
    this.node = node;
    this.store = store;
    this.app = app;
    this.hazelcastPort = hazelcastPort;
  }

  /** Starts a member on {@code port} that joins the members on {@code ports}; blocks until it serves HTTP. */
  static InJvmMember start(String pgUri, int port, List<Integer> ports, String... flags) throws Exception {
    List<String> args = new ArrayList<>(List.of("--cluster", "--cluster-port", String.valueOf(port),
        "--cluster-members", ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")),
        "--pg-uri", pgUri, "--pg-pool-size", "4", "--http-port", "0", "--http-instances", "1", "--owners", "2",
        "--jwt-secret", TestApp.SECRET, "--cluster-secret", TestApp.CLUSTER_SECRET, "--flush-interval-ms", "20", "--partitions", "61",
        // a liveness bound for a loaded CI machine, not a timing target
        "--request-timeout-ms", "15000"));
    args.addAll(List.of(flags));
    Config config = Config.load(Map.of(), args);
    // built as Main builds a member: its Vert.x options (event-bus port) and the Prometheus registry it feeds
    PrometheusMeterRegistry registry = Metrics.prometheus();
    ClusterNode node = ClusterNode.start(Vertx.builder().with(ClusterNode.options(Metrics.vertxOptions(), config))
        .withMetrics(new MicrometerMetricsFactory(registry)), config).await(2, TimeUnit.MINUTES);
    PgStore store = Postgres.open(node.vertx(), pgUri, config.pgPoolSize()).await(1, TimeUnit.MINUTES);
    LeadRouter app = LeadRouter.start(node, config, Stores.of(store), Jwt.options(config), "member-" + port,
        new Metrics(registry)).await(1, TimeUnit.MINUTES);
    return new InJvmMember(node, store, app, port);
  }

  int httpPort() {
    return app.httpPort();
  }

  /** Graceful: the owners drain, then the member leaves the cluster (its partitions migrate first). */
  void stop() throws Exception {
    app.stop().compose(v -> store.close()).eventually(() -> node.vertx().close()).await(2, TimeUnit.MINUTES);
  }

  /**
   * Until each member sees {@code size} members and every partition replica is in sync (no migration left),
   * or a minute passed: a test that starts before then measures Hazelcast's start-up, not the service.
   */
  static void awaitSettled(List<Api> apis, int size) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    for (Api api : apis) {
      JsonObject cluster;
      do {
        Thread.sleep(100);
        cluster = api.get("/health/ready").await(10, TimeUnit.SECONDS).bodyAsJsonObject()
            .getJsonObject("checks").getJsonObject("cluster");
      } while (!(cluster.getInteger("members") == size && cluster.getBoolean("clusterSafe"))
          && System.currentTimeMillis() < deadline);
    }
  }

  static List<Integer> freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        sockets.add(new ServerSocket(0));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }

}
