package io.leadrouter.bench;

import io.leadrouter.client.ClientOptions;
import io.leadrouter.client.ClusterSettings;
import io.leadrouter.client.LeadRouterClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Issue 16's benchmark: picks through {@code lead-router-client} from this JVM, a separate process from the
 * service's member, once over the event bus (this JVM joins the cluster as a Hazelcast lite member) and once over
 * HTTP, with the same number of calls in flight, in interleaved rounds of the same length. Reports picks/s and
 * latency percentiles per transport and the ratio bus / HTTP (target: at least 2x). Every call is a logical call
 * of the client (its own Idempotency-Key, retried on 503), as a service would make it.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.leadrouter.bench.ClientThroughput --members 127.0.0.1:5701
 * --partitions 271 --http http://127.0.0.1:8080 --token JWT --account 2311 --rotation 7 [--in-flight 64]
 * [--duration 10s] [--warmup 10s] [--rounds 3] [--json F]}.
 */
public final class ClientThroughput {

  private ClientThroughput() {}

  /** One measured phase of one transport: calls answered, failures, latencies. */
  private static final class Phase {
    final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    long nanos;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>(Map.of("in-flight", "64", "duration", "10s", "warmup", "10s",
        "rounds", "3", "partitions", "271", "account", Fixtures.ACCOUNT));
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int inFlight = Integer.parseInt(o.get("in-flight"));
    long duration = LoadRun.parseDuration(o.get("duration"));
    long warmup = LoadRun.parseDuration(o.get("warmup"));
    int rounds = Integer.parseInt(o.get("rounds"));
    String account = o.get("account");
    long rotation = Long.parseLong(o.get("rotation"));
    ClientOptions options = ClientOptions.withToken(o.get("token")).attemptTimeout(Duration.ofSeconds(10))
        .callTimeout(Duration.ofSeconds(60));

    LeadRouterClient bus = LeadRouterClient.joinCluster(ClusterSettings.tcp(List.of(o.get("members").split(",")))
        .partitions(Integer.parseInt(o.get("partitions"))), options).toCompletionStage().toCompletableFuture()
        .get(2, TimeUnit.MINUTES);
    Vertx vertx = Vertx.vertx();
    LeadRouterClient http = LeadRouterClient.http(vertx, List.of(o.get("http")), options);
    Map<String, LeadRouterClient> transports = new LinkedHashMap<>();
    transports.put("eventbus", bus);
    transports.put("http", http);
    Map<String, Phase> totals = new LinkedHashMap<>();
    transports.keySet().forEach(k -> totals.put(k, new Phase()));
    try {
      for (int round = 1; round <= rounds; round++) {
        List<String> order = new java.util.ArrayList<>(transports.keySet());
        java.util.Collections.rotate(order, round - 1);
        for (String name : order) {
          run(transports.get(name), account, rotation, inFlight, round == 1 ? warmup : Math.min(warmup, 3_000), null);
          Phase phase = totals.get(name);
          run(transports.get(name), account, rotation, inFlight, duration, phase);
          System.out.printf("round %d %-8s %,10.0f picks/s so far, p99 %.3f ms, failed %d%n", round, name,
              phase.ok.get() * 1e9 / phase.nanos, phase.latency.getValueAtPercentile(99) / 1e6, phase.failed.get());
        }
      }
    } finally {
      bus.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
      http.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
      vertx.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }
    JsonObject results = new JsonObject();
    totals.forEach((name, p) -> results.put(name, new JsonObject()
        .put("picks_per_s", LoadRun.round(p.ok.get() * 1e9 / p.nanos, 1)).put("failed", p.failed.get())
        .put("latency_ms", new JsonObject().put("p50", ms(p, 50)).put("p99", ms(p, 99)).put("p99_9", ms(p, 99.9))
            .put("max", LoadRun.round(p.latency.getMaxValue() / 1e6, 3)))));
    double ratio = results.getJsonObject("eventbus").getDouble("picks_per_s")
        / results.getJsonObject("http").getDouble("picks_per_s");
    JsonObject summary = new JsonObject().put("tool", "ClientThroughput").put("in_flight", inFlight)
        .put("rounds", rounds).put("duration_s", duration / 1000.0).put("results", results)
        .put("ratios", new JsonObject().put("eventbus_vs_http", LoadRun.round(ratio, 3)))
        .put("targets", new JsonObject().put("eventbus_vs_http", Targets.atLeast(
            "client picks/s over the event bus / over HTTP (" + inFlight + " in flight, separate JVMs)", 2.0,
            LoadRun.round(ratio, 3), "x", null)));
    System.out.println(summary.encodePrettily());
    if (o.get("json") != null) {
      Files.writeString(Path.of(o.get("json")), summary.encodePrettily());
    }
  }

  private static double ms(Phase p, double percentile) {
    return LoadRun.round(p.latency.getValueAtPercentile(percentile) / 1e6, 3);
  }

  /** Keeps {@code inFlight} calls going for {@code millis}; records them into {@code phase} (null: warm-up). */
  private static void run(LeadRouterClient client, String account, long rotation, int inFlight, long millis,
      Phase phase) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(inFlight);
    long started = System.nanoTime();
    for (int i = 0; i < inFlight; i++) {
      call(client, account, rotation, phase, stop, done);
    }
    Thread.sleep(millis);
    stop.set(true);
    done.await(2, TimeUnit.MINUTES);
    if (phase != null) {
      phase.nanos += System.nanoTime() - started;
    }
  }

  private static void call(LeadRouterClient client, String account, long rotation, Phase phase, AtomicBoolean stop,
      CountDownLatch done) {
    if (stop.get()) {
      done.countDown();
      return;
    }
    long t0 = System.nanoTime();
    Future<?> f = client.nextUser(account, rotation);
    f.onComplete(ar -> {
      if (phase != null) {
        if (ar.succeeded()) {
          synchronized (phase.latency) {
            phase.latency.recordValue(Math.min(System.nanoTime() - t0, phase.latency.getHighestTrackableValue()));
          }
          phase.ok.incrementAndGet();
        } else {
          phase.failed.incrementAndGet();
        }
      }
      call(client, account, rotation, phase, stop, done);
    });
  }
}
