package io.leadrouter.bench;

import io.leadrouter.bus.EventBusApiVerticle;
import io.leadrouter.edge.Views;
import io.leadrouter.owner.PickReply;
import io.leadrouter.rotation.Rotation;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * Load harness: drives next-user on a running service over HTTP (or, {@code --mode eventbus}, on a node
 * started in this process) and, in the same run with the same client and connection count, the baselines:
 * the HTTP ceiling ({@code GET /health/live} on the same server), Postgres with a row lock, Postgres with one
 * {@code UPDATE ... RETURNING}, and Redis with a Lua script (see {@link BaselineServer}). Prints a progress
 * line per second, a table at the end, and writes a JSON summary with every figure, the ratios and the
 * targets. Checks every pick it saw: unique sequence numbers, exact smooth weighted order, weights.
 *
 * <pre>
 * java -cp benchmarks.jar io.leadrouter.bench.LoadHarness --url http://127.0.0.1:8080 --token JWT \
 *     --account 2311 --rotation 1 [--connections 64] [--duration 20s] [--warmup 5s] [--rate max|N] \
 *     [--baselines all|none|ceiling,pg-row-lock,pg-update-returning,redis-lua] [--jwt-secret S] \
 *     [--pg-uri postgresql://postgres@127.0.0.1:5432/postgres] [--redis-uri redis://127.0.0.1:6379] \
 *     [--rounds 1] [--rewarm 3s] [--json out.json] [--label memory] \
 *     [--pgstore-url http://127.0.0.1:8081 --pgstore-rotation 1]   (a second service on the Postgres store)
 *     [--pgcommit-url http://127.0.0.1:8082 --pgcommit-rotation 1] (a third one: Postgres store, ack=commit)
 * java -cp benchmarks.jar io.leadrouter.bench.LoadHarness --mode eventbus [--connections 64] ...
 * </pre>
 */
public final class LoadHarness {

  static {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
  }

  static final String NEXT_USER = "next-user";
  static final String NEXT_USER_PG_STORE = "next-user-pg-store";
  static final String NEXT_USER_PG_COMMIT = "next-user-pg-commit";
  static final String CEILING = "http-ceiling";
  static final String BARE = "bare-vertx";
  static final String PG_ROW_LOCK = "pg-row-lock";
  static final String PG_RETURNING = "pg-update-returning";
  static final String REDIS_LUA = "redis-lua";
  static final String BUS_NEXT_USER = "eventbus-next-user";
  static final String BUS_ECHO = "eventbus-echo";

  private final Options o;
  private final Vertx vertx;
  private final String runId;
  private final JsonObject results = new JsonObject();
  private final JsonArray missing = new JsonArray();
  private final JsonObject missingDetails = new JsonObject();

  private LoadHarness(Options o, Vertx vertx) {
    this.o = o;
    this.vertx = vertx;
    this.runId = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC).format(Instant.now())
        + "_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
  }

  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("harness: " + e.getMessage());
      System.err.println("usage: see the javadoc of io.leadrouter.bench.LoadHarness or benchmarks/README.md");
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    int rc;
    try {
      LoadHarness h = new LoadHarness(o, vertx);
      JsonObject summary = o.mode.equals("eventbus") ? h.runEventBus() : h.runHttp();
      System.out.println();
      System.out.println(Report.harnessTable(summary));
      if (o.json != null) {
        Path out = Path.of(o.json);
        if (out.getParent() != null) {
          Files.createDirectories(out.getParent());
        }
        Files.writeString(out, summary.encodePrettily() + "\n");
        System.out.println("summary written to " + out);
      }
      rc = 0;
    } catch (Exception e) {
      System.err.println("harness: FAILED: " + e);
      e.printStackTrace();
      rc = 1;
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    System.exit(rc);
  }

  // ---- HTTP mode --------------------------------------------------------------------------------------

  private JsonObject runHttp() throws Exception {
    URI url = URI.create(o.url);
    String host = url.getHost();
    int port = url.getPort() < 0 ? 80 : url.getPort();
    if (o.token == null || o.rotation == null) {
      throw new IllegalArgumentException("--token and --rotation are required in http mode");
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("authorization", "Bearer " + o.token)
        .add("x-account-id", o.account);
    List<Target> targets = new ArrayList<>();
    List<PickCheck.Member> members = nextUserTarget(targets, NEXT_USER, o.url, o.rotation, headers);
    if (o.pgstoreUrl != null) {
      // a second instance of the service, on the Postgres store, driven in the same rounds
      nextUserTarget(targets, NEXT_USER_PG_STORE, o.pgstoreUrl, o.pgstoreRotation, headers);
    }
    if (o.pgcommitUrl != null) {
      // a third instance, on the Postgres store with ack=commit (answers once the pick is committed)
      nextUserTarget(targets, NEXT_USER_PG_COMMIT, o.pgcommitUrl, o.pgcommitRotation, headers);
    }
    Map<String, Integer> index = index(members);
    if (o.baselines.contains("ceiling")) {
      targets.add(new Target(CEILING, false, run -> httpDrivers(run, host, port, "/health/live", headers, index),
          LoadRun::summary));
    }
    Process bare = null;
    if (o.baselines.contains("bare")) {
      // a body the size of a next-user answer: the answer's shape around this rotation as fetched
      JsonObject rotation = fetchRotation(host, port, o.rotation, headers);
      String body = new JsonObject().put("user", rotation.getJsonArray("members").getJsonObject(0))
          .put("rotationId", o.rotation).put("newPosition", 1).put("totalUsers", members.size())
          .put("currentUser", members.get(0).email()).put("nextUser", members.get(0).email())
          .put("rotation", rotation).put("currentPosition", 0).put("sequence", 1).put("skipped", new JsonArray())
          .encode();
      Path log = Files.createTempFile("lr-bench-bare-server", ".log");
      bare = new ProcessBuilder(BareServer.command(body, o.baselineThreads)).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      int barePort = awaitListening(bare, log);
      targets.add(new Target(BARE, false, run -> httpDrivers(run, "127.0.0.1", barePort, "/", headers, index),
          LoadRun::summary));
    }
    try (StoreBaselines stores = startStoreBaselines(members)) {
      if (stores != null) {
        for (String name : List.of(PG_ROW_LOCK, PG_RETURNING, REDIS_LUA)) {
          if (!stores.serves(name)) {
            continue;
          }
          targets.add(new Target(name, true,
              run -> httpDrivers(run, "127.0.0.1", stores.port, "/" + name + "/next-user", headers, index),
              run -> stores.summary(name, run, members)));
        }
      }
      runRounds(targets);
    } finally {
      if (bare != null) {
        bare.destroy(); // SIGTERM to the process this run started, by its handle
        bare.waitFor(10, TimeUnit.SECONDS);
      }
    }
    return summary(members);
  }

  /** Adds a next-user target for {@code rotationId} at {@code baseUrl}; returns the rotation's members. */
  private List<PickCheck.Member> nextUserTarget(List<Target> targets, String name, String baseUrl, String rotationId,
      MultiMap headers) throws Exception {
    URI url = URI.create(baseUrl);
    String host = url.getHost();
    int port = url.getPort() < 0 ? 80 : url.getPort();
    JsonObject rotation = fetchRotation(host, port, rotationId, headers);
    List<PickCheck.Member> members = members(rotation.getJsonArray("members"));
    Map<String, Integer> index = index(members);
    int startPosition = rotation.getInteger("currentPosition");
    long startSequence = rotation.getLong("sequence");
    System.out.printf("%s: rotation %s at %s, %d members, weights %s, position %d, sequence %d%n", name, rotationId,
        baseUrl, members.size(), members.stream().map(m -> String.valueOf(m.weight())).toList(), startPosition,
        startSequence);
    String path = "/lead-rotations/" + rotationId + "/next-user";
    targets.add(new Target(name, true, run -> httpDrivers(run, host, port, path, headers, index),
        run -> run.summary().put("checks", PickCheck.evaluate(members, startPosition, startSequence, run.logs()))));
    return members;
  }

  private JsonObject fetchRotation(String host, int port, String rotationId, MultiMap headers) throws Exception {
    WebClient client = WebClient.create(vertx);
    try {
      HttpResponse<Buffer> r = client.get(port, host, "/lead-rotations/" + rotationId).putHeaders(headers)
          .send().await(30, TimeUnit.SECONDS);
      if (r.statusCode() != 200) {
        throw new IllegalStateException("GET " + host + ":" + port + "/lead-rotations/" + rotationId + " answered "
            + r.statusCode() + ": " + r.bodyAsString());
      }
      return r.bodyAsJsonObject();
    } finally {
      client.close();
    }
  }

  private static List<PickCheck.Member> members(JsonArray a) {
    List<PickCheck.Member> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      JsonObject m = a.getJsonObject(i);
      out.add(new PickCheck.Member(Long.parseLong(String.valueOf(m.getValue("userId"))), m.getString("email"),
          m.getString("name"), m.getInteger("weight")));
    }
    return out;
  }

  private static Map<String, Integer> index(List<PickCheck.Member> members) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < members.size(); i++) {
      index.put(members.get(i).email(), i);
    }
    return Map.copyOf(index);
  }

  private List<Driver> httpDrivers(LoadRun run, String host, int port, String path, MultiMap headers,
      Map<String, Integer> index) {
    List<Driver> drivers = new ArrayList<>();
    for (int t = 0; t < o.clientThreads; t++) {
      int conns = o.connections / o.clientThreads + (t < o.connections % o.clientThreads ? 1 : 0);
      if (conns > 0) {
        drivers.add(new HttpDriver(run, conns, o.rate / o.clientThreads, host, port, path, headers, index,
            o.timeoutMs));
      }
    }
    return drivers;
  }

  /** A target of the run: how to drive it and how to summarize it once all rounds are done. */
  private record Target(String name, boolean picks, Function<LoadRun, List<Driver>> drivers,
      Function<LoadRun, JsonObject> summary) {}

  /**
   * Runs every target {@code --rounds} times, interleaved (round 1: all targets, round 2: all targets in an order
   * turned by one, ...), so that a change in the shared machine's load falls on all of them alike. Before the
   * first measured round a warm-up pass drives every target for {@code --warmup} (nothing measured), so that the
   * first target measured does not alone pay the JIT warm-up of this JVM and of its server; then each target of
   * each round warms up again for {@code --rewarm} before it is measured. Counts, latencies and picks add up
   * over rounds.
   */
  private void runRounds(List<Target> targets) throws Exception {
    Map<String, LoadRun> runs = new LinkedHashMap<>();
    for (Target t : targets) {
      runs.put(t.name, new LoadRun(t.name, t.picks));
    }
    System.out.printf("%n-- warm-up pass: every target for %.1f s before the first measured round%n",
        o.warmupMs / 1000.0);
    for (Target t : targets) {
      measure(runs.get(t.name), t.drivers, o.warmupMs, 0);
    }
    for (int round = 1; round <= o.rounds; round++) {
      // the order turns from round to round, so that no target is always the first (paying the JIT warm-up of
      // this JVM) or always follows the same one
      for (int k = 0; k < targets.size(); k++) {
        Target t = targets.get((k + round - 1) % targets.size());
        if (o.rounds > 1) {
          System.out.printf("%n-- round %d of %d", round, o.rounds);
        }
        measure(runs.get(t.name), t.drivers, o.rewarmMs, o.durationMs);
      }
    }
    for (Target t : targets) {
      results.put(t.name, t.summary.apply(runs.get(t.name)));
    }
  }

  /** The baseline server and its stores, for the length of the run. */
  private final class StoreBaselines implements AutoCloseable {
    final Backends.Postgres pg;
    final Backends.RedisStore redis;
    final Thread cleanUp;
    Process server;
    int port;

    StoreBaselines(Backends.Postgres pg, Backends.RedisStore redis) {
      this.pg = pg;
      this.redis = redis;
      this.cleanUp = new Thread(() -> {
        if (pg != null) {
          pg.cleanUp();
        }
        if (redis != null) {
          redis.cleanUp();
        }
      }, "harness-cleanup");
      Runtime.getRuntime().addShutdownHook(cleanUp);
    }

    boolean serves(String name) {
      return o.baselines.contains(name) && (name.equals(REDIS_LUA) ? redis != null : pg != null);
    }

    JsonObject summary(String name, LoadRun run, List<PickCheck.Member> members) {
      JsonObject s = run.summary().put("checks", PickCheck.evaluate(members, 0, 0, run.logs()));
      if (!name.equals(REDIS_LUA)) {
        long[] rows = pg.logRows(name.equals(PG_ROW_LOCK) ? BaselineServer.ROW_LOCK_ID : BaselineServer.RETURNING_ID);
        if (rows != null) {
          s.put("assignment_log", new JsonObject().put("rows", rows[0]).put("distinct_sequences", rows[1])
              .put("max_sequence", rows[2]));
        }
      }
      return s;
    }

    @Override
    public void close() throws Exception {
      if (server != null) {
        server.destroy();
        if (!server.waitFor(20, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
      cleanUp.run();
      Runtime.getRuntime().removeShutdownHook(cleanUp);
    }
  }

  /**
   * Postgres and Redis baselines: availability (loudly when missing), fresh schema/keys, the baseline server.
   * Null when none of them is wanted or available.
   */
  private StoreBaselines startStoreBaselines(List<PickCheck.Member> members) throws Exception {
    boolean wantPg = o.baselines.contains(PG_ROW_LOCK) || o.baselines.contains(PG_RETURNING);
    boolean wantRedis = o.baselines.contains(REDIS_LUA);
    if (!wantPg && !wantRedis) {
      return null;
    }
    Backends.Postgres pg = null;
    Backends.RedisStore redis = null;
    if (wantPg) {
      Backends.Postgres candidate = new Backends.Postgres(o.pgUri, "lr_bench_" + runId);
      String problem = candidate.availability(o.startServices);
      if (problem == null) {
        pg = candidate;
      } else {
        reportMissing("postgres", "Postgres at " + o.pgUri + " is not reachable: " + problem
            + "; the baselines " + PG_ROW_LOCK + " and " + PG_RETURNING + " were NOT measured");
      }
    }
    if (wantRedis) {
      Backends.RedisStore candidate = new Backends.RedisStore(vertx, o.redisUri, "lr-bench:" + runId + ":");
      String problem = candidate.availability(o.startServices);
      if (problem == null) {
        redis = candidate;
      } else {
        reportMissing("redis", "Redis at " + o.redisUri + " is not reachable: " + problem + "; the baseline "
            + REDIS_LUA + " was NOT measured");
      }
    }
    if (pg == null && redis == null) {
      return null;
    }
    StoreBaselines stores = new StoreBaselines(pg, redis);
    try {
      if (pg != null) {
        pg.setUp(members);
      }
      if (redis != null) {
        redis.setUp(members);
      }
      Path membersFile = Files.createTempFile("lr-bench-members", ".json");
      JsonArray ms = new JsonArray();
      members.forEach(m -> ms.add(new JsonObject().put("userId", m.userId()).put("email", m.email())
          .put("name", m.name()).put("weight", m.weight())));
      Files.writeString(membersFile, ms.encode());
      membersFile.toFile().deleteOnExit();
      Path serverLog = Files.createTempFile("lr-bench-baseline-server", ".log");
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), BaselineServer.class.getName(),
          "--members-file", membersFile.toString(), "--threads", String.valueOf(o.baselineThreads),
          "--account", o.account));
      if (pg != null) {
        cmd.addAll(List.of("--pg-uri", pg.uri, "--pg-schema", pg.schema, "--pg-pool", String.valueOf(o.pgPool)));
      }
      if (redis != null) {
        cmd.addAll(List.of("--redis-uri", redis.uri, "--redis-prefix", redis.prefix,
            "--redis-pool", String.valueOf(o.redisPool)));
      }
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(serverLog.toFile());
      if (o.jwtSecret != null) {
        pb.environment().put("LEADROUTER_JWT_SECRET", o.jwtSecret);
      } else {
        pb.environment().remove("LEADROUTER_JWT_SECRET");
        System.out.println("WARNING: no --jwt-secret: the baselines skip JWT verification, the service does not");
      }
      stores.server = pb.start();
      System.out.println("baseline server: pid " + stores.server.pid() + ", log " + serverLog);
      stores.port = awaitListening(stores.server, serverLog);
      return stores;
    } catch (Exception e) {
      stores.close();
      throw e;
    }
  }

  private static int awaitListening(Process server, Path log) throws Exception {
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline) {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        if (line.startsWith("LISTENING ")) {
          System.out.println("baseline server: " + line);
          return Integer.parseInt(line.split(" ")[1]);
        }
        if (line.startsWith("FAILED")) {
          throw new IllegalStateException("baseline server failed to start: " + line);
        }
      }
      if (!server.isAlive()) {
        throw new IllegalStateException("baseline server exited (" + server.exitValue() + "); see " + log);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("baseline server did not start within 90 s; see " + log);
  }

  private void reportMissing(String what, String detail) {
    missing.add(what);
    missingDetails.put(what, detail);
    String bar = "!".repeat(100);
    System.out.println(bar);
    System.out.println("!!! MISSING " + what.toUpperCase(Locale.ROOT) + ": " + detail);
    System.out.println(bar);
  }

  // ---- event-bus mode ---------------------------------------------------------------------------------

  private JsonObject runEventBus() throws Exception {
    int[] weights = o.weights;
    Fixtures.Node node = Fixtures.Node.start(vertx, weights, true);
    try {
      List<PickCheck.Member> members = new ArrayList<>();
      node.rotation.members().forEach(m -> members.add(new PickCheck.Member(m.userId(), m.email(), m.name(), m.weight())));
      Map<String, Integer> index = index(members);
      JsonObject body = new JsonObject().put("rotationId", node.rotation.id()).put("accountId", Fixtures.ACCOUNT);
      DeliveryOptions options = new DeliveryOptions().addHeader("authorization", "Bearer " + node.token)
          .setSendTimeout(o.timeoutMs);
      System.out.printf("in-process node: rotation %d, %d members, weights %s%n", node.rotation.id(), members.size(),
          members.stream().map(m -> String.valueOf(m.weight())).toList());
      // the baseline replies with a NextUserResponse of the same size, without auth or owner
      Rotation r = new Rotation(node.rotation);
      Rotation.Decision d = r.decide(new Rotation.Pick(Fixtures.ACCOUNT, node.rotation.id(), null), Instant.now());
      r.apply(d.event());
      JsonObject canned = Views.nextUser(new PickReply((Rotation.UserPicked) d.event(), r.state()));
      String echo = "bench.harness.echo";
      vertx.deployVerticle(new VerticleBase() {
        @Override
        public Future<?> start() {
          return vertx.eventBus().localConsumer(echo, m -> m.reply(canned)).completion();
        }
      }).await(10, TimeUnit.SECONDS);
      runRounds(List.of(
          new Target(BUS_NEXT_USER, true, run -> busDrivers(run, EventBusApiVerticle.NEXT_USER, body, options, index),
              run -> run.summary().put("checks", PickCheck.evaluate(members, 0, 0, run.logs()))),
          new Target(BUS_ECHO, false, run -> busDrivers(run, echo, body, options, index), LoadRun::summary)));
      return summary(members);
    } finally {
      node.stop();
    }
  }

  private List<Driver> busDrivers(LoadRun run, String address, JsonObject body, DeliveryOptions options,
      Map<String, Integer> index) {
    List<Driver> drivers = new ArrayList<>();
    for (int t = 0; t < o.clientThreads; t++) {
      int slots = o.connections / o.clientThreads + (t < o.connections % o.clientThreads ? 1 : 0);
      if (slots > 0) {
        drivers.add(new BusDriver(run, slots, o.rate / o.clientThreads, address, body, options, index));
      }
    }
    return drivers;
  }

  // ---- one measured target ----------------------------------------------------------------------------

  /** One round of one target: fresh drivers, warm-up, measurement ({@code durationMs} 0: none), drain. */
  private void measure(LoadRun run, Function<LoadRun, List<Driver>> factory, long warmupMs, long durationMs)
      throws Exception {
    String name = run.name;
    run.rewarm();
    String loadBefore = loadAverage();
    List<Driver> drivers = factory.apply(run);
    System.out.printf("%n== %s: %d %s, %s, warm-up %.1f s, measure %d s%n", name, o.connections,
        o.mode.equals("eventbus") ? "requests in flight" : "connections",
        o.rate > 0 ? "open loop at " + (long) o.rate + " req/s" : "closed loop (max rate)",
        warmupMs / 1000.0, durationMs / 1000);
    List<String> ids = new ArrayList<>();
    for (Driver d : drivers) {
      ids.add(vertx.deployVerticle(d, new DeploymentOptions()).await(60, TimeUnit.SECONDS));
    }
    long t0 = System.nanoTime();
    long lastOk = 0;
    long tick = t0;
    long warmupEnd = t0 + warmupMs * 1_000_000;
    while (System.nanoTime() < warmupEnd) {
      tick = sleepUntil(Math.min(tick + 1_000_000_000L, warmupEnd));
      long ok = run.okSoFar();
      System.out.printf("[%s] %5.1fs warm-up   %,10.0f req/s  errors %d%n", name, (tick - t0) / 1e9,
          (ok - lastOk) / 1.0, run.errorsSoFar());
      lastOk = ok;
    }
    if (durationMs == 0) { // the warm-up pass: drain, and on to the next target
      run.endWarmup();
      Driver.drained(vertx, run, o.timeoutMs + 5_000).await(o.timeoutMs + 10_000, TimeUnit.MILLISECONDS);
      for (String id : ids) {
        vertx.undeploy(id).await(30, TimeUnit.SECONDS);
      }
      return;
    }
    run.startMeasuring();
    long start = System.nanoTime();
    long end = start + durationMs * 1_000_000;
    tick = start;
    lastOk = run.okSoFar();
    long lastTick = start;
    while (tick < end) {
      tick = sleepUntil(Math.min(tick + 1_000_000_000L, end));
      long ok = run.okSoFar();
      Histogram interval = run.interval();
      double secs = (tick - lastTick) / 1e9;
      System.out.printf("[%s] %5.1fs measuring %,10.0f req/s  p99 %7.2f ms (so far %7.2f ms)  errors %d%n", name,
          (tick - t0) / 1e9, (ok - lastOk) / secs, interval.getValueAtPercentile(99) / 1000.0,
          run.total().getValueAtPercentile(99) / 1000.0, run.errorsSoFar());
      lastOk = ok;
      lastTick = tick;
    }
    run.stopMeasuring();
    Driver.drained(vertx, run, o.timeoutMs + 5_000).await(o.timeoutMs + 10_000, TimeUnit.MILLISECONDS);
    for (String id : ids) {
      vertx.undeploy(id).await(30, TimeUnit.SECONDS);
    }
    // the machine is shared: what else ran is part of the figure
    run.load(loadBefore, loadAverage());
    JsonObject s = run.summary();
    System.out.printf("[%s] so far: %,.0f req/s, p50 %s ms, p99 %s ms, p99.9 %s ms, max %s ms, errors %d%n", name,
        s.getDouble("throughput_rps"), s.getJsonObject("latency_ms").getValue("p50"),
        s.getJsonObject("latency_ms").getValue("p99"), s.getJsonObject("latency_ms").getValue("p99_9"),
        s.getJsonObject("latency_ms").getValue("max"), s.getLong("requests_error"));
    if (run.picks && run.logs().stream().mapToInt(LoadRun.PickLog::size).sum() == 0) {
      System.out.println("[" + name + "] WARNING: no pick was seen");
    }
  }

  /** The 1-, 5- and 15-minute load averages, or null where /proc is not there. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return null;
    }
  }

  private static long sleepUntil(long nanos) throws InterruptedException {
    long now;
    while ((now = System.nanoTime()) < nanos) {
      long ms = (nanos - now) / 1_000_000;
      if (ms > 0) {
        Thread.sleep(ms);
      } else {
        Thread.onSpinWait();
      }
    }
    return now;
  }

  // ---- summary ----------------------------------------------------------------------------------------

  private JsonObject summary(List<PickCheck.Member> members) {
    JsonObject ratios = new JsonObject();
    JsonObject targets = new JsonObject();
    JsonArray ms = new JsonArray();
    members.forEach(m -> ms.add(new JsonObject().put("email", m.email()).put("weight", m.weight())));
    if (o.mode.equals("eventbus")) {
      Double next = rps(BUS_NEXT_USER);
      ratios.put("vs_eventbus_echo", ratio(next, rps(BUS_ECHO)));
      targets.put("eventbus_api_picks_per_s", Targets.atLeast("event-bus API next-user picks/s (JWT + owner, "
          + o.connections + " in flight, in-process node)", 1_000_000, next, " picks/s", null));
    } else {
      Double next = rps(NEXT_USER);
      ratios.put("vs_redis_lua", ratio(next, rps(REDIS_LUA)))
          .put("pg_store_vs_memory_store", ratio(rps(NEXT_USER_PG_STORE), next))
          .put("ack_commit_vs_memory", ratio(rps(NEXT_USER_PG_COMMIT), rps(NEXT_USER_PG_STORE)))
          .put("vs_postgres_row_lock", ratio(next, rps(PG_ROW_LOCK)))
          .put("vs_postgres_update_returning", ratio(next, rps(PG_RETURNING)))
          .put("vs_http_ceiling", ratio(next, rps(CEILING)))
          .put("vs_bare_vertx", ratio(next, rps(BARE)))
          .put("ceiling_vs_bare_vertx", ratio(rps(CEILING), rps(BARE)))
          .put("p99_vs_bare_vertx", ratio(p99(NEXT_USER), p99(BARE)));
      targets.put("vs_redis_lua", Targets.atLeast("next-user req/s / Redis Lua baseline req/s", 1.0,
              ratios.getDouble("vs_redis_lua"), "x", why(REDIS_LUA, "redis")))
          .put("vs_postgres_row_lock", Targets.atLeast("next-user req/s / Postgres row-lock baseline req/s", 20.0,
              ratios.getDouble("vs_postgres_row_lock"), "x", why(PG_ROW_LOCK, "postgres")))
          .put("vs_http_ceiling", Targets.atLeast("next-user req/s / GET /health/live req/s (same server)", 0.8,
              ratios.getDouble("vs_http_ceiling"), "x", why(CEILING, null)))
          .put("vs_bare_vertx", Targets.atLeast("next-user req/s / bare Vert.x server req/s (same body size)", 0.8,
              ratios.getDouble("vs_bare_vertx"), "x", why(BARE, null)))
          .put("ceiling_vs_bare_vertx", Targets.atLeast("GET /health/live req/s / bare Vert.x server req/s", 0.95,
              ratios.getDouble("ceiling_vs_bare_vertx"), "x", rps(CEILING) == null ? why(CEILING, null) : why(BARE, null)))
          .put("p99_vs_bare_vertx", Targets.atMost("next-user p99 / bare Vert.x server p99", 2.0,
              ratios.getDouble("p99_vs_bare_vertx"), "x", why(BARE, null)))
          .put("ack_commit_vs_memory", Targets.atLeast("next-user req/s with ack=commit / with ack=memory (both "
              + "on the Postgres store, fresh databases, same rounds)", 0.5, ratios.getDouble("ack_commit_vs_memory"),
              "x", rps(NEXT_USER_PG_COMMIT) == null ? "no --pgcommit-url service"
                  : rps(NEXT_USER_PG_STORE) == null ? "no --pgstore-url service" : null))
          .put("next_user_p99_ms", Targets.atMost("next-user p99 latency at " + o.connections + " connections",
              5.0, p99(NEXT_USER), " ms", null));
    }
    JsonObject settings = new JsonObject()
        .put("mode", o.mode)
        .put("label", o.label)
        .put("url", o.mode.equals("http") ? o.url : null)
        .put("pgstore_url", o.pgstoreUrl)
        .put("pgcommit_url", o.pgcommitUrl)
        .put("rotation", o.rotation)
        .put("account", o.account)
        .put("connections", o.connections)
        .put("warmup_s", o.warmupMs / 1000.0)
        .put("duration_s", o.durationMs / 1000.0)
        .put("rounds", o.rounds)
        .put("rewarm_s", o.rewarmMs / 1000.0)
        .put("warmup_pass", "every target for warmup_s before round 1, then rewarm_s before each measurement")
        .put("rate", o.rate > 0 ? o.rate : "max")
        .put("client_threads", o.clientThreads)
        .put("baseline_threads", o.baselineThreads)
        .put("pg_pool", o.pgPool)
        .put("redis_pool", o.redisPool)
        .put("baselines_auth", o.jwtSecret != null ? "HS256 via the service's Authenticator" : "none")
        .put("members", ms);
    return new JsonObject()
        .put("tool", "LoadHarness")
        .put("run_id", runId)
        .put("finished_at", Instant.now().toString())
        .put("settings", settings)
        .put("missing", missing)
        .put("missing_details", missingDetails)
        .put("results", results)
        .put("ratios", ratios)
        .put("targets", targets);
  }

  private String why(String target, String backend) {
    if (rps(target) != null) {
      return null;
    }
    if (backend != null && missing.contains(backend)) {
      return backend + " missing";
    }
    return target + " not run (--baselines)";
  }

  private Double rps(String target) {
    JsonObject r = results.getJsonObject(target);
    return r == null ? null : r.getDouble("throughput_rps");
  }

  private Double p99(String target) {
    JsonObject r = results.getJsonObject(target);
    return r == null ? null : r.getJsonObject("latency_ms").getDouble("p99");
  }

  private static Double ratio(Double a, Double b) {
    return a == null || b == null || b == 0 ? null : LoadRun.round(a / b, 3);
  }

  // ---- options ----------------------------------------------------------------------------------------

  record Options(String mode, String url, String token, String account, String rotation, int connections,
      long durationMs, long warmupMs, double rate, List<String> baselines, String jwtSecret, String pgUri,
      String redisUri, int pgPool, int redisPool, int clientThreads, int baselineThreads, long timeoutMs,
      boolean startServices, String json, String label, int[] weights, int rounds, long rewarmMs, String pgstoreUrl,
      String pgstoreRotation, String pgcommitUrl, String pgcommitRotation) {

    static final List<String> ALL_BASELINES = List.of("bare", "ceiling", PG_ROW_LOCK, PG_RETURNING, REDIS_LUA);

    static Options parse(String[] args) {
      Map<String, String> v = new LinkedHashMap<>();
      v.put("mode", "http");
      v.put("url", "http://127.0.0.1:8080");
      v.put("account", Fixtures.ACCOUNT);
      v.put("connections", "64");
      v.put("duration", "20s");
      v.put("warmup", "5s");
      v.put("rate", "max");
      v.put("baselines", "all");
      v.put("pg-uri", "postgresql://postgres@127.0.0.1:5432/postgres");
      v.put("redis-uri", "redis://127.0.0.1:6379");
      v.put("pg-pool", "8");
      v.put("redis-pool", "8");
      v.put("client-threads", "2");
      v.put("baseline-threads", "2");
      v.put("timeout", "10s");
      v.put("start-services", "true");
      v.put("label", "");
      v.put("weights", "1,2,3,4,5,6,7,8,9,10");
      v.put("rounds", "1");
      v.put("rewarm", "3s");
      String env = System.getenv("LEADROUTER_JWT_SECRET");
      if (env != null && !env.isBlank()) {
        v.put("jwt-secret", env);
      }
      List<String> known = List.of("mode", "url", "token", "account", "rotation", "connections", "duration",
          "warmup", "rate", "baselines", "jwt-secret", "pg-uri", "redis-uri", "pg-pool", "redis-pool",
          "client-threads", "baseline-threads", "timeout", "start-services", "json", "label", "weights", "rounds",
          "rewarm", "pgstore-url", "pgstore-rotation", "pgcommit-url", "pgcommit-rotation");
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (!a.startsWith("--")) {
          throw new IllegalArgumentException("unexpected argument '" + a + "'");
        }
        String name = a.substring(2);
        String value;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          throw new IllegalArgumentException(a + ": needs a value");
        }
        if (!known.contains(name)) {
          throw new IllegalArgumentException(a + ": unknown option (known: " + String.join(", ", known) + ")");
        }
        v.put(name, value);
      }
      String mode = v.get("mode");
      if (!mode.equals("http") && !mode.equals("eventbus")) {
        throw new IllegalArgumentException("--mode: http or eventbus");
      }
      List<String> baselines = switch (v.get("baselines")) {
        case "all" -> ALL_BASELINES;
        case "none" -> List.of();
        default -> List.of(v.get("baselines").split(","));
      };
      for (String b : baselines) {
        if (!ALL_BASELINES.contains(b)) {
          throw new IllegalArgumentException("--baselines: all, none or a list of " + ALL_BASELINES);
        }
      }
      String[] ws = v.get("weights").split(",");
      int[] weights = new int[ws.length];
      for (int i = 0; i < ws.length; i++) {
        weights[i] = Integer.parseInt(ws[i].trim());
      }
      return new Options(mode, v.get("url").replaceAll("/+$", ""), v.get("token"), v.get("account"),
          v.get("rotation"), positive(v, "connections"), LoadRun.parseDuration(v.get("duration")),
          LoadRun.parseDuration(v.get("warmup")), v.get("rate").equals("max") ? 0 : Double.parseDouble(v.get("rate")),
          baselines, v.get("jwt-secret"), v.get("pg-uri"), v.get("redis-uri"), positive(v, "pg-pool"),
          positive(v, "redis-pool"), positive(v, "client-threads"), positive(v, "baseline-threads"),
          LoadRun.parseDuration(v.get("timeout")), Boolean.parseBoolean(v.get("start-services")), v.get("json"),
          v.get("label"), weights, positive(v, "rounds"), LoadRun.parseDuration(v.get("rewarm")),
          v.get("pgstore-url") == null ? null : v.get("pgstore-url").replaceAll("/+$", ""),
          v.get("pgstore-rotation"),
          v.get("pgcommit-url") == null ? null : v.get("pgcommit-url").replaceAll("/+$", ""),
          v.get("pgcommit-rotation"));
    }

    private static int positive(Map<String, String> v, String k) {
      int i = Integer.parseInt(v.get(k));
      if (i < 1) {
        throw new IllegalArgumentException("--" + k + ": must be at least 1");
      }
      return i;
    }
  }
}
