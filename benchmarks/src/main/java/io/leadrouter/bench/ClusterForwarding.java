package io.leadrouter.bench;

import io.leadrouter.LeadRouter;
import io.leadrouter.auth.Jwt;
import io.leadrouter.cluster.ClusterNode;
import io.leadrouter.config.Config;
import io.leadrouter.ops.Metrics;
import io.leadrouter.owner.Partitioner;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.Stores;
import io.leadrouter.store.pg.PgStore;
import io.leadrouter.store.pg.Postgres;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Picks through the rotation's owner vs through a non-owner member (forwarded over the clustered event bus)
 * vs single-node mode, in one run, in process (no HTTP): picks/s and p99. Two cluster members in this JVM
 * share a fresh Postgres database; replicated acknowledgement (one backup, group commit) is on in the cluster.
 * Targets of the cluster issue: forwarding costs at most 2x latency at p99; the replicated owner keeps at least
 * half the single-node throughput.
 *
 * <p>How to run: {@code java -cp benchmarks/target/benchmarks.jar io.leadrouter.bench.ClusterForwarding
 * [--pg-uri postgresql://postgres@127.0.0.1:5432/postgres] [--seconds 8] [--in-flight 256] [--json F]}; with
 * {@code --json} the figures, ratios and targets also go to F (for {@link Report}'s {@code --cluster}).
 */
public final class ClusterForwarding {

  private record Result(String label, double rate, double p50, double p99) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = Fixtures.options(args);
    String server = a.getOrDefault("pg-uri", "postgresql://postgres@127.0.0.1:5432/postgres");
    int seconds = Integer.parseInt(a.getOrDefault("seconds", "8"));
    int inFlight = Integer.parseInt(a.getOrDefault("in-flight", "256"));
    List<Result> results = new ArrayList<>();
    try (Fixtures.Database database = new Fixtures.Database(server)) {
      String dbUri = database.uri();
      // single-node mode
      Vertx single = Vertx.vertx();
      Config singleConfig = Config.load(Map.of(), List.of("--pg-uri", dbUri, "--jwt-secret", Fixtures.randomSecret(),
          "--http-port", "0", "--http-instances", "1", "--partitions", "61"));
      PgStore singleStore = Postgres.open(single, dbUri, 8).await(2, TimeUnit.MINUTES);
      LeadRouter singleApp = LeadRouter.start(single, singleConfig, Stores.of(singleStore), Jwt.options(singleConfig),
          Partitioner.hashing(61), "single", new Metrics(Metrics.prometheus())).await(1, TimeUnit.MINUTES);
      results.add(measure("single node", singleApp, rotation(singleStore).id(), seconds, inFlight));
      singleApp.stop().await(1, TimeUnit.MINUTES);
      singleStore.close().await(30, TimeUnit.SECONDS);
      single.close().await(30, TimeUnit.SECONDS);

      // two members
      List<Integer> ports = freePorts(2);
      String members = "127.0.0.1:" + ports.get(0) + ",127.0.0.1:" + ports.get(1);
      List<Object[]> started = new ArrayList<>();
      String clusterSecret = Fixtures.randomSecret(); // the same on both members: they sign what they forward
      for (int port : ports) {
        Config config = Config.load(Map.of(), List.of("--cluster", "--cluster-port", String.valueOf(port),
            "--cluster-members", members, "--cluster-quorum", "2", "--pg-uri", dbUri, "--http-port", "0",
            "--http-instances", "1", "--partitions", "61", "--jwt-secret", Fixtures.randomSecret(),
            "--cluster-secret", clusterSecret));
        ClusterNode node = ClusterNode.start(Vertx.builder(), config).await(2, TimeUnit.MINUTES);
        PgStore store = Postgres.open(node.vertx(), dbUri, 8).await(1, TimeUnit.MINUTES);
        LeadRouter app = LeadRouter.start(node, config, Stores.of(store), Jwt.options(config), "member-" + port,
            new Metrics(Metrics.prometheus())).await(1, TimeUnit.MINUTES);
        started.add(new Object[] {node, store, app});
      }
      ClusterNode a0 = (ClusterNode) started.get(0)[0];
      PgStore storeA = (PgStore) started.get(0)[1];
      LeadRouter appA = (LeadRouter) started.get(0)[2];
      Thread.sleep(3_000); // let partitions settle
      RotationState local = null;
      RotationState remote = null;
      while (local == null || remote == null) {
        RotationState r = rotation(storeA);
        boolean hosted = a0.ownership().hosts(a0.partitioner().partitionOf(r.id()));
        if (hosted && local == null) {
          local = r;
        } else if (!hosted && remote == null) {
          remote = r;
        }
      }
      results.add(measure("cluster, via the owner", appA, local.id(), seconds, inFlight));
      results.add(measure("cluster, via a non-owner", appA, remote.id(), seconds, inFlight));
      for (int i = started.size() - 1; i >= 0; i--) {
        ((LeadRouter) started.get(i)[2]).stop().await(1, TimeUnit.MINUTES);
        ((PgStore) started.get(i)[1]).close().await(30, TimeUnit.SECONDS);
        ((ClusterNode) started.get(i)[0]).vertx().close().await(1, TimeUnit.MINUTES);
      }
    }
    System.out.printf("picks through RotationService in process, one hot rotation of 10 members, %d in flight, %d s%n",
        inFlight, seconds);
    for (Result r : results) {
      System.out.printf("  %-26s %,10.0f picks/s   p50 %7.3f ms   p99 %7.3f ms%n", r.label(), r.rate(), r.p50(), r.p99());
    }
    Result single = results.get(0);
    Result owner = results.get(1);
    Result forwarded = results.get(2);
    double latency = forwarded.p99() / owner.p99();
    double throughput = owner.rate() / single.rate();
    System.out.printf("  forwarding p99 / owner p99: %.2fx (target <= 2x: %s)%n", latency, latency <= 2 ? "MET" : "MISSED");
    System.out.printf("  replicated owner / single node throughput: %.2fx (target >= 0.5x: %s)%n", throughput,
        throughput >= 0.5 ? "MET" : "MISSED");
    if (a.get("json") != null) {
      java.nio.file.Files.writeString(java.nio.file.Path.of(a.get("json")),
          json(results, inFlight, seconds, latency, throughput).encodePrettily() + "\n");
    }
  }

  /** Every figure of the run, the two ratios and their targets, as Report reads them. */
  private static io.vertx.core.json.JsonObject json(List<Result> results, int inFlight, int seconds, double latency,
      double throughput) {
    io.vertx.core.json.JsonObject r = new io.vertx.core.json.JsonObject();
    for (Result x : results) {
      r.put(x.label(), new io.vertx.core.json.JsonObject().put("picks_per_s", LoadRun.round(x.rate(), 1))
          .put("p50_ms", LoadRun.round(x.p50(), 3)).put("p99_ms", LoadRun.round(x.p99(), 3)));
    }
    double lat = LoadRun.round(latency, 3);
    double thr = LoadRun.round(throughput, 3);
    return new io.vertx.core.json.JsonObject().put("tool", "ClusterForwarding").put("in_flight", inFlight)
        .put("seconds", seconds).put("results", r)
        .put("ratios", new io.vertx.core.json.JsonObject().put("replicated_vs_single_node", thr)
            .put("non_owner_p99_vs_owner_p99", lat))
        .put("targets", new io.vertx.core.json.JsonObject()
            .put("replicated_vs_single_node", Targets.atLeast("cluster: picks/s via the owner (replicated, one "
                + "backup) / single node, in process", 0.5, thr, "x", null))
            .put("non_owner_p99_vs_owner_p99", Targets.atMost("cluster: p99 via a non-owner member / via the owner,"
                + " in process", 2.0, lat, "x", null)));
  }

  private static RotationState rotation(PgStore store) throws Exception {
    return Fixtures.hotRotation(store, Fixtures.weights(10, "mixed"));
  }

  private static Result measure(String label, LeadRouter app, long id, int seconds, int inFlight) throws Exception {
    ConcurrentHistogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(30), 3);
    AtomicBoolean measuring = new AtomicBoolean(false);
    AtomicBoolean stop = new AtomicBoolean(false);
    CountDownLatch done = new CountDownLatch(inFlight);
    for (int i = 0; i < inFlight; i++) {
      loop(app, id, measuring, stop, latency, done);
    }
    Thread.sleep(3_000);
    latency.reset();
    measuring.set(true);
    long started = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    measuring.set(false);
    double elapsed = (System.nanoTime() - started) / 1e9;
    long picks = latency.getTotalCount();
    stop.set(true);
    done.await(60, TimeUnit.SECONDS);
    return new Result(label, picks / elapsed, latency.getValueAtPercentile(50) / 1e6,
        latency.getValueAtPercentile(99) / 1e6);
  }

  private static void loop(LeadRouter app, long id, AtomicBoolean measuring, AtomicBoolean stop,
      ConcurrentHistogram latency, CountDownLatch done) {
    if (stop.get()) {
      done.countDown();
      return;
    }
    long started = System.nanoTime();
    app.rotations().pick(Fixtures.ACCOUNT, id, null).onComplete(ar -> {
      if (ar.succeeded() && measuring.get()) {
        latency.recordValue(Math.min(System.nanoTime() - started, TimeUnit.SECONDS.toNanos(30)));
      }
      loop(app, id, measuring, stop, latency, done);
    });
  }

  private static List<Integer> freePorts(int n) throws IOException {
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
