package io.leadrouter.bench;

import io.leadrouter.LeadRouter;
import io.leadrouter.Stores;
import io.leadrouter.auth.Jwt;
import io.leadrouter.config.Config;
import io.leadrouter.ops.Metrics;
import io.leadrouter.owner.Partitioner;
import io.leadrouter.store.pg.PgStore;
import io.leadrouter.store.pg.Postgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Scale of one node on the Postgres store, in process (no HTTP on the pick path): (a) heap per active rotation
 * (10 members) with {@code --rotations} of them active, (b) the first pick of rotations of a freshly started
 * node (cold activation: load from Postgres, sequence block) against a second pick of the same rotations (warm),
 * (c) start-up time to ready ({@code /health/ready} 200) with none, a tenth and all of {@code --rotations}
 * stored (lazy activation: it should not grow). Rotations are written by SQL ({@link ScaleData}); every
 * activation goes through the real owners ({@code RotationService.pick}).
 *
 * <p>How to run (a heap of 3 GB is ample for 100,000 rotations): {@code java -Xmx3g -cp benchmarks.jar
 * io.leadrouter.bench.NodeScale [--pg-uri postgresql://postgres@127.0.0.1:5432/postgres] [--rotations 100000]
 * [--cold 2000] [--concurrency 16] [--repeats 7] [--parts all|startup] [--json F]}. Three databases of its own, dropped at the end.
 */
public final class NodeScale {

  private NodeScale() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = Fixtures.options(args);
    String server = a.getOrDefault("pg-uri", "postgresql://postgres@127.0.0.1:5432/postgres");
    int rotations = Integer.parseInt(a.getOrDefault("rotations", "100000"));
    int cold = Math.min(rotations, Integer.parseInt(a.getOrDefault("cold", "2000")));
    int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "16"));
    int repeats = Integer.parseInt(a.getOrDefault("repeats", "7"));
    Path json = a.containsKey("json") ? Path.of(a.get("json")) : null;
    JsonObject out = new JsonObject().put("tool", "NodeScale");
    try (java.sql.Connection c = Postgres.connectJdbc(server)) {
      c.isValid(2);
    } catch (Exception e) {
      out.put("status", "unavailable").put("reason", "Postgres is not reachable at " + server + ": " + e.getMessage());
      System.out.println("!!! NODE SCALE NOT MEASURED: " + out.getString("reason"));
      write(json, out);
      return;
    }
    out.put("status", "measured").put("settings", new JsonObject().put("rotations", rotations)
        .put("members_per_rotation", ScaleData.MEMBERS).put("cold_rotations", cold).put("concurrency", concurrency)
        .put("startup_repeats", repeats).put("heap_max_mb", Runtime.getRuntime().maxMemory() >> 20)
        .put("jvm_args", new JsonArray(ManagementFactory.getRuntimeMXBean().getInputArguments()))
        .put("store", "postgres").put("owners", Runtime.getRuntime().availableProcessors()));
    int[] sizes = {0, rotations / 10, rotations};
    List<Fixtures.Database> dbs = new ArrayList<>();
    try {
      List<List<Long>> ids = new ArrayList<>();
      for (int size : sizes) {
        Fixtures.Database db = new Fixtures.Database(server);
        dbs.add(db);
        long t0 = System.nanoTime();
        ids.add(ScaleData.populate(db.uri(), size));
        System.out.printf("stored %,d rotations of %d members in %.1f s%n", size, ScaleData.MEMBERS,
            (System.nanoTime() - t0) / 1e9);
      }
      out.put("startup", startup(dbs, sizes, repeats));
      if (!a.getOrDefault("parts", "all").equals("startup")) {
        activation(dbs.get(2).uri(), ids.get(2), cold, concurrency, out);
      }
    } finally {
      for (Fixtures.Database db : dbs) {
        db.close();
      }
    }
    write(json, out);
    System.out.println(text(out));
  }

  // ---- (c) start-up ------------------------------------------------------------------------------------

  private static JsonObject startup(List<Fixtures.Database> dbs, int[] sizes, int repeats) throws Exception {
    for (int i = 0; i < 2; i++) {
      startMs(dbs.get(0).uri()); // unmeasured: class loading and JIT of the first start fall on no case
    }
    double[][] ms = new double[sizes.length][repeats];
    for (int r = 0; r < repeats; r++) {
      for (int i = 0; i < sizes.length; i++) { // interleaved: a busy moment falls on every case alike
        ms[i][r] = startMs(dbs.get(i).uri());
      }
    }
    JsonArray cases = new JsonArray();
    for (int i = 0; i < sizes.length; i++) {
      cases.add(new JsonObject().put("rotations_stored", sizes[i]).put("median_ms", LoadRun.round(median(ms[i]), 1))
          .put("runs_ms", new JsonArray(Arrays.stream(ms[i]).boxed().toList())));
      System.out.printf("start-up to ready with %,d rotations stored: median %.1f ms %s%n", sizes[i], median(ms[i]),
          Arrays.toString(ms[i]));
    }
    return new JsonObject().put("what", "in process: open the Postgres store (schema check), LeadRouter.start, "
            + "until GET /health/ready answers 200; median of the runs, cases interleaved after 2 unmeasured starts")
        .put("cases", cases).put("largest", sizes[sizes.length - 1])
        .put("ratio_largest_vs_empty", LoadRun.round(median(ms[sizes.length - 1]) / median(ms[0]), 3))
        // the fastest runs: what start-up itself costs, with less of the machine's other load in it
        .put("ratio_largest_vs_empty_fastest", LoadRun.round(Arrays.stream(ms[sizes.length - 1]).min().orElse(0)
            / Arrays.stream(ms[0]).min().orElse(1), 3));
  }

  private static double startMs(String uri) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      long t0 = System.nanoTime();
      Node node = Node.start(vertx, uri);
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.app.httpPort() + "/health/ready"))
          .build();
      while (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
        Thread.sleep(5);
      }
      double ms = LoadRun.round((System.nanoTime() - t0) / 1e6, 1);
      node.stop();
      return ms;
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  // ---- (b) cold activation and (a) memory -----------------------------------------------------------------

  private static void activation(String uri, List<Long> ids, int cold, int concurrency, JsonObject out)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    Node node = Node.start(vertx, uri);
    try {
      long before = usedHeap();
      List<Long> first = ids.subList(0, cold);
      AtomicLong errors = new AtomicLong();
      Function<Long, Future<?>> pick = id -> node.app.rotations().pick(Fixtures.ACCOUNT, id, null);
      Histogram coldPicks = drive(first, concurrency, pick, errors);
      Histogram warmPicks = drive(first, concurrency, pick, errors);
      double coldP99 = coldPicks.getValueAtPercentile(99) / 1000.0;
      double warmP99 = warmPicks.getValueAtPercentile(99) / 1000.0;
      out.put("cold_activation", new JsonObject().put("rotations", cold).put("concurrency", concurrency)
          .put("cold_ms", LoadRun.latency(coldPicks)).put("warm_ms", LoadRun.latency(warmPicks))
          .put("cold_vs_warm_p99", warmP99 <= 0 ? null : LoadRun.round(coldP99 / warmP99, 2))
          .put("errors", errors.get()));
      long t0 = System.nanoTime();
      Histogram rest = drive(ids.subList(cold, ids.size()), concurrency * 4, pick, errors);
      double seconds = (System.nanoTime() - t0) / 1e9;
      long deadline = System.currentTimeMillis() + 120_000;
      while (node.app.unflushed() > 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(100); // write-behind drained: its buffers are not what a rotation costs
      }
      long after = usedHeap();
      int active = node.app.activeRotations();
      out.put("memory", new JsonObject().put("active_rotations", active).put("heap_before_bytes", before)
          .put("heap_after_bytes", after)
          .put("bytes_per_active_rotation", active == 0 ? null : Math.round((after - before) / (double) active))
          .put("activation_seconds", LoadRun.round(seconds, 1))
          .put("activations_per_s", LoadRun.round(rest.getTotalCount() / seconds, 0))
          .put("activation_ms", LoadRun.latency(rest)).put("errors", errors.get())
          .put("what", "used heap after System.gc() (x4) with every rotation active (one pick each, write-behind"
              + " drained) minus the same right after start-up, divided by the active rotations"));
    } finally {
      // a stop gives every active rotation's unused sequence numbers back, a thousand rotations per statement
      long t0 = System.nanoTime();
      node.stop();
      out.getJsonObject("memory", new JsonObject()).put("graceful_stop_seconds",
          LoadRun.round((System.nanoTime() - t0) / 1e9, 1));
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static Histogram drive(List<Long> ids, int concurrency, Function<Long, Future<?>> call, AtomicLong errors)
      throws InterruptedException {
    ConcurrentHistogram h = new ConcurrentHistogram(3);
    AtomicInteger next = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      step(ids, next, call, h, errors, done);
    }
    if (!done.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException("picks did not finish within 10 minutes");
    }
    return h;
  }

  private static void step(List<Long> ids, AtomicInteger next, Function<Long, Future<?>> call, Histogram h,
      AtomicLong errors, CountDownLatch done) {
    int i = next.getAndIncrement();
    if (i >= ids.size()) {
      done.countDown();
      return;
    }
    long t0 = System.nanoTime();
    call.apply(ids.get(i)).onComplete(ar -> {
      if (ar.succeeded()) {
        h.recordValue(Math.max(1, (System.nanoTime() - t0) / 1_000));
      } else {
        errors.incrementAndGet();
      }
      step(ids, next, call, h, errors, done);
    });
  }

  private static long usedHeap() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(250);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** A single node on the Postgres store at {@code uri}, as Main starts one (HTTP on a free port). */
  private record Node(PgStore store, LeadRouter app) {
    static Node start(Vertx vertx, String uri) throws Exception {
      Config config = Config.load(Map.of(), List.of("--pg-uri", uri, "--jwt-secret", Fixtures.randomSecret(),
          "--http-host", "127.0.0.1", "--http-port", "0", "--idle-seconds", "3600"));
      PgStore store = Postgres.open(vertx, uri, config.pgPoolSize()).await(2, TimeUnit.MINUTES);
      LeadRouter app = LeadRouter.start(vertx, config, Stores.of(store), Jwt.options(config),
          Partitioner.hashing(config.partitions()), "scale", new Metrics(Metrics.prometheus()))
          .await(2, TimeUnit.MINUTES);
      return new Node(store, app);
    }

    void stop() throws Exception {
      app.stop().await(5, TimeUnit.MINUTES);
      store.close().await(60, TimeUnit.SECONDS);
    }
  }

  private static void write(Path json, JsonObject out) throws Exception {
    if (json != null) {
      Files.writeString(json, out.encodePrettily() + "\n");
    }
  }

  /** The readable summary (also what {@code Report} prints under "Scale of one node"). */
  static String text(JsonObject s) {
    if (!"measured".equals(s.getString("status"))) {
      return "  NOT MEASURED: " + s.getString("status") + " - " + s.getString("reason") + "\n";
    }
    StringBuilder b = new StringBuilder();
    JsonObject m = s.getJsonObject("memory");
    if (m != null) {
      b.append(String.format("  memory: %,d active rotations of %d members, %,d bytes of heap each (heap %,d MB -> %,d MB);"
              + " activated at %,.0f/s%n", m.getInteger("active_rotations"), ScaleData.MEMBERS,
          m.getLong("bytes_per_active_rotation"), m.getLong("heap_before_bytes") >> 20,
          m.getLong("heap_after_bytes") >> 20, m.getDouble("activations_per_s")));
      b.append(String.format("  graceful stop with them all active: %s s%n", m.getValue("graceful_stop_seconds")));
    }
    JsonObject c = s.getJsonObject("cold_activation");
    if (c != null) {
      JsonObject cm = c.getJsonObject("cold_ms");
      JsonObject wm = c.getJsonObject("warm_ms");
      b.append(String.format("  cold activation from Postgres (first pick of %,d rotations, %d in flight): p50 %s ms,"
              + " p99 %s ms, max %s ms; warm pick of the same: p50 %s ms, p99 %s ms (cold/warm p99 %sx); errors %d%n",
          c.getInteger("rotations"), c.getInteger("concurrency"), cm.getValue("p50"), cm.getValue("p99"),
          cm.getValue("max"), wm.getValue("p50"), wm.getValue("p99"), c.getValue("cold_vs_warm_p99"),
          c.getLong("errors")));
    }
    JsonObject st = s.getJsonObject("startup");
    if (st != null) {
      b.append("  start-up to ready:");
      st.getJsonArray("cases").forEach(o -> b.append(String.format(" %,d stored %.0f ms;",
          ((JsonObject) o).getInteger("rotations_stored"), ((JsonObject) o).getDouble("median_ms"))));
      b.append(String.format(" %,d vs none: %sx (medians; fastest runs: %sx)%n", st.getInteger("largest"),
          st.getValue("ratio_largest_vs_empty"), st.getValue("ratio_largest_vs_empty_fastest")));
    }
    return b.toString();
  }
}
