package io.leadrouter.bench;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * How soon a freshly started service serves at full speed: starts the service JAR as a process of its own
 * (fresh JVM, in-memory store), polls {@code /health/ready}, and the moment it answers 200 creates a hot
 * rotation (10 members, weights 1..10) and drives next-user on it (64 keep-alive connections, closed loop) for
 * {@code --seconds}, counting answers per 1 s bucket. Steady = the median of the last 10 buckets; the figure is
 * the time from ready to the end of the first bucket at 90 % of steady or more (target: at most 10 s,
 * Kubernetes sends a ready pod full traffic). The harness's own client is warmed first against a bare Vert.x
 * server in this JVM, so that its JIT warm-up is not charged to the service.
 *
 * <p>How to run: {@code java -cp benchmarks.jar io.leadrouter.bench.WarmUp --jar target/lead-router.jar
 * [--seconds 40] [--connections 64] [--client-warmup 8] [--service-jvm-args "-Xshare:auto ..."] [--json F]
 * [--log F]}. The process is stopped by its PID (SIGTERM, then SIGKILL after 60 s).
 */
public final class WarmUp {

  private static final int STEADY_BUCKETS = 10;

  private WarmUp() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = Fixtures.options(args);
    String jar = a.get("jar");
    if (jar == null) {
      throw new IllegalArgumentException("--jar lead-router.jar is required");
    }
    int seconds = Integer.parseInt(a.getOrDefault("seconds", "40"));
    int connections = Integer.parseInt(a.getOrDefault("connections", "64"));
    int clientWarmup = Integer.parseInt(a.getOrDefault("client-warmup", "8"));
    List<String> jvmArgs = a.getOrDefault("service-jvm-args", "").isBlank() ? List.of()
        : Arrays.asList(a.get("service-jvm-args").trim().split("\\s+"));
    Path log = Path.of(a.getOrDefault("log", Files.createTempFile("lr-warmup", ".log").toString()));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String secret = Fixtures.randomSecret();
    Vertx vertx = Vertx.vertx();
    Process service = null;
    Path dir = Files.createTempDirectory("lr-warmup");
    try {
      warmClient(vertx, connections, clientWarmup);
      String token = token(java, jar, secret);
      int port;
      try (ServerSocket probe = new ServerSocket(0)) {
        port = probe.getLocalPort();
      }
      List<String> cmd = new ArrayList<>(List.of(java));
      cmd.addAll(jvmArgs);
      cmd.addAll(List.of("-jar", jar, "--store", "memory", "--http-host", "127.0.0.1", "--http-port",
          String.valueOf(port)));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
          .directory(dir.toFile());
      pb.environment().put("LEADROUTER_JWT_SECRET", secret);
      long launched = System.nanoTime();
      service = pb.start();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
      String base = "http://127.0.0.1:" + port;
      long ready = awaitReady(http, base, service);
      long rotation = createRotation(http, base, token);
      Map<String, Integer> index = new java.util.HashMap<>();
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer " + token)
          .add("x-account-id", Fixtures.ACCOUNT);
      LoadRun run = new LoadRun("next-user", false);
      JsonArray curve = new JsonArray();
      JsonArray p99s = new JsonArray();
      long loadStart = drive(vertx, run, connections, port, "/lead-rotations/" + rotation + "/next-user", headers,
          index, seconds, curve, p99s);
      JsonObject out = result(curve, p99s, run, launched, ready, loadStart);
      out.put("settings", new JsonObject().put("connections", connections).put("seconds", seconds)
          .put("client_warmup_s", clientWarmup).put("service_jvm_args", new JsonArray(jvmArgs))
          .put("store", "memory").put("loop", "closed").put("rotation_members", 10));
      if (a.containsKey("json")) {
        Files.writeString(Path.of(a.get("json")), out.encodePrettily() + "\n");
      }
      System.out.print(text(out));
    } finally {
      if (service != null) {
        stop(service);
      }
      try (var files = Files.walk(dir)) { // the service's working directory (its data dir)
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** Runs the client against a bare Vert.x server in this JVM, so its code is compiled before it counts. */
  private static void warmClient(Vertx vertx, int connections, int seconds) throws Exception {
    if (seconds <= 0) {
      return;
    }
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    String body = "{\"sequence\":1,\"currentUser\":\"u1@example.com\",\"pad\":\"" + "x".repeat(700) + "\"}";
    String server = vertx.deployVerticle(new BareServer.Http(port, Buffer.buffer(body))).await(30, TimeUnit.SECONDS);
    LoadRun run = new LoadRun("client-warmup", false);
    drive(vertx, run, connections, port, "/", MultiMap.caseInsensitiveMultiMap(), Map.of(), seconds, new JsonArray(),
        new JsonArray());
    vertx.undeploy(server).await(30, TimeUnit.SECONDS);
    System.out.printf("client warmed for %d s against a bare server: %,d requests%n", seconds, run.okSoFar());
  }

  /** Drives the load for {@code seconds}, one bucket a second into {@code curve}; returns when it started. */
  private static long drive(Vertx vertx, LoadRun run, int connections, int port, String path, MultiMap headers,
      Map<String, Integer> index, int seconds, JsonArray curve, JsonArray p99s) throws Exception {
    List<String> ids = new ArrayList<>();
    run.startMeasuring(); // everything counts: the first request is what is measured
    long start = System.nanoTime();
    for (int t = 0; t < 2; t++) { // two client event loops, as the harness's default client-threads
      int conns = connections / 2 + (t < connections % 2 ? 1 : 0);
      ids.add(vertx.deployVerticle(new HttpDriver(run, conns, 0, "127.0.0.1", port, path, headers, index, 10_000))
          .await(60, TimeUnit.SECONDS));
    }
    long last = 0;
    for (int i = 1; i <= seconds; i++) {
      long until = start + i * 1_000_000_000L;
      long sleep = until - System.nanoTime();
      if (sleep > 0) {
        TimeUnit.NANOSECONDS.sleep(sleep);
      }
      long ok = run.okSoFar();
      Histogram h = run.interval();
      curve.add(ok - last);
      p99s.add(h.getTotalCount() == 0 ? null : h.getValueAtPercentile(99) / 1000.0);
      last = ok;
    }
    run.stopMeasuring();
    Driver.drained(vertx, run, 15_000).await(20, TimeUnit.SECONDS);
    for (String id : ids) {
      vertx.undeploy(id).await(30, TimeUnit.SECONDS);
    }
    return start;
  }

  private static JsonObject result(JsonArray curve, JsonArray p99s, LoadRun run, long launched, long ready,
      long loadStart) {
    int n = curve.size();
    double[] last = new double[Math.min(STEADY_BUCKETS, n)];
    for (int i = 0; i < last.length; i++) {
      last[i] = curve.getLong(n - last.length + i);
    }
    Arrays.sort(last);
    double steady = last.length == 0 ? 0 : last.length % 2 == 1 ? last[last.length / 2]
        : (last[last.length / 2 - 1] + last[last.length / 2]) / 2;
    double offset = (loadStart - ready) / 1e9;
    Double toNinety = null;
    for (int i = 0; i < n && steady > 0; i++) {
      if (curve.getLong(i) >= 0.9 * steady) {
        toNinety = LoadRun.round(offset + i + 1, 2); // the end of the first bucket at 90 %
        break;
      }
    }
    // still rising: the last five buckets' median above the five before by more than 10 % (a run too short)
    boolean rising = n >= 10 && median(curve, n - 5, n) > 1.1 * median(curve, n - 10, n - 5);
    JsonObject summary = run.summary();
    return new JsonObject().put("tool", "WarmUp").put("status", "measured")
        .put("start_to_ready_s", LoadRun.round((ready - launched) / 1e9, 2))
        .put("ready_to_load_s", LoadRun.round(offset, 3))
        .put("steady_rps", steady).put("steady_buckets", last.length).put("still_rising", rising)
        .put("seconds_to_90pct", toNinety)
        .put("curve_rps", curve).put("curve_p99_ms", p99s)
        .put("requests_ok", run.okSoFar()).put("errors", run.errorsSoFar())
        .put("errors_by_kind", summary.getJsonObject("errors_by_kind"))
        .put("latency_ms", summary.getJsonObject("latency_ms"))
        .put("what", "seconds from /health/ready 200 to the end of the first 1 s bucket whose next-user answers"
            + " reach 90 % of steady (median of the last " + STEADY_BUCKETS + " buckets)");
  }

  private static double median(JsonArray curve, int from, int to) {
    double[] v = new double[to - from];
    for (int i = from; i < to; i++) {
      v[i - from] = curve.getLong(i);
    }
    Arrays.sort(v);
    return v[v.length / 2];
  }

  static String text(JsonObject w) {
    if (!"measured".equals(w.getString("status"))) {
      return "  NOT MEASURED: " + w.getString("status") + " - " + w.getString("reason") + "\n";
    }
    StringBuilder b = new StringBuilder();
    b.append(String.format("  fresh JVM: start to ready %.2f s; load from %.3f s after ready; steady %,.0f req/s;"
            + " 90 %% of steady %s s after ready; errors %d%n", w.getDouble("start_to_ready_s"),
        w.getDouble("ready_to_load_s"), w.getDouble("steady_rps"),
        w.getValue("seconds_to_90pct") == null ? "never" : w.getValue("seconds_to_90pct"), w.getLong("errors")));
    if (Boolean.TRUE.equals(w.getBoolean("still_rising"))) {
      b.append("  !!! throughput was still rising at the end: the run is too short for a steady state, and the"
          + " figure is not comparable with a full run's\n");
    }
    b.append("  req/s per second after load start:");
    JsonArray c = w.getJsonArray("curve_rps");
    for (int i = 0; i < c.size(); i++) {
      b.append(i % 10 == 0 ? "\n   " : "").append(String.format(" %,7d", c.getLong(i)));
    }
    return b.append('\n').toString();
  }

  private static String token(String java, String jar, String secret) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar, "token", "--account", Fixtures.ACCOUNT, "--sub",
        "bench@example.com", "--ttl", "2h").redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("LEADROUTER_JWT_SECRET", secret);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    if (p.waitFor() != 0 || out.isEmpty()) {
      throw new IllegalStateException("the token command failed (exit " + p.exitValue() + ")");
    }
    return out.lines().reduce((x, y) -> y).orElseThrow();
  }

  /** Polls every 10 ms; the instant of the first 200. */
  private static long awaitReady(HttpClient http, String base, Process service) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/health/ready")).timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      if (!service.isAlive()) {
        throw new IllegalStateException("the service exited with " + service.exitValue() + " before it was ready");
      }
      try {
        if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return System.nanoTime();
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("the service was not ready within 2 minutes");
  }

  /** The hot rotation of run.sh's create_rotation: members u1..u10 with weights 1..10. */
  private static long createRotation(HttpClient http, String base, String token) throws Exception {
    JsonArray members = new JsonArray();
    for (int i = 1; i <= 10; i++) {
      members.add(new JsonObject().put("email", "u" + i + "@example.com").put("weight", i));
    }
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/lead-rotations"))
        .header("authorization", "Bearer " + token).header("x-account-id", Fixtures.ACCOUNT)
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("name", "hot").put("members", members).encode()))
        .build();
    HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() / 100 != 2) {
      throw new IllegalStateException("POST /lead-rotations: " + resp.statusCode() + " " + resp.body());
    }
    return new JsonObject(resp.body()).getLong("id");
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy(); // SIGTERM to its PID: a graceful stop
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
