package io.leadrouter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.store.pg.Postgres;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Continuous next-user load spread over rotations and over the members it targets, recording every
 * acknowledged pick (a 200 answer); then the checks: no acknowledged sequence twice, and the assignment
 * log holds 1..max of every rotation exactly once, agreeing with every answer and with the schedule.
 */
final class PickLoad {

  /** An acknowledged pick. */
  record Answer(long rotation, long sequence, String user, int port, long atMillis) {}

  /** Weights 3,1,1 for a,b,c: the schedule every rotation of these tests follows. */
  static final String SCHEDULE = "abaca";

  private final WebClient client;
  private final String token;
  private final String account;
  private final List<Long> rotations;
  private final List<Integer> targets = new CopyOnWriteArrayList<>();
  private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
  private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
  /** Each failure: when it was sent, how long it took, where to, and what it was. */
  private final Queue<String> failureLog = new ConcurrentLinkedQueue<>();
  /** Per request answered: when it was sent and how long it took (ms). */
  private final Queue<long[]> timings = new ConcurrentLinkedQueue<>();
  private final Vertx vertx;
  private volatile boolean running;
  private CountDownLatch done;

  PickLoad(Vertx vertx, String token, String account, List<Long> rotations) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(8));
    this.token = token;
    this.account = account;
    this.rotations = rotations;
  }

  void target(int port) {
    targets.add(port);
  }

  /** Stops sending to a member, as a load balancer does before the member goes away. */
  void untarget(int port) {
    targets.remove(Integer.valueOf(port));
  }

  void start(int workers) {
    running = true;
    done = new CountDownLatch(workers);
    for (int w = 0; w < workers; w++) {
      int worker = w;
      vertx.runOnContext(v -> next(worker, new int[] {worker}));
    }
  }

  private void next(int worker, int[] counter) {
    List<Integer> ports = List.copyOf(targets);
    if (!running || ports.isEmpty()) {
      done.countDown();
      return;
    }
    int n = counter[0]++;
    // each worker sticks to one member (a hung member holds up only its own workers) and walks all rotations
    int port = ports.get(worker % ports.size());
    long rotation = rotations.get((n + worker * 5) % rotations.size());
    long started = System.currentTimeMillis();
    client.get(port, "localhost", "/lead-rotations/" + rotation + "/next-user")
        .putHeader("authorization", "Bearer " + token).putHeader("x-account-id", account)
        .timeout(ProcessCluster.REQUEST_TIMEOUT_MS + 5_000).send()
        .onComplete(ar -> {
          timings.add(new long[] {started, System.currentTimeMillis() - started});
          boolean ok = ar.succeeded() && ar.result().statusCode() == 200;
          if (ok) {
            JsonObject body = ar.result().bodyAsJsonObject();
            answers.add(new Answer(rotation, body.getLong("sequence"), body.getString("currentUser"), port,
                System.currentTimeMillis()));
            next(worker, counter);
          } else {
            String what = describe(ar.succeeded() ? ar.result() : null, ar.cause());
            failures.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
            failureLog.add(java.time.Instant.ofEpochMilli(started) + " +" + (System.currentTimeMillis() - started)
                + " ms port " + port + " rotation " + rotation + ": " + what);
            vertx.setTimer(20, t -> next(worker, counter));
          }
        });
  }

  List<String> failureLog() {
    return List.copyOf(failureLog);
  }

  /** Latency percentile {@code q} (0..1) over every request answered so far, in ms. */
  long percentile(double q) {
    long[] all = timings.stream().mapToLong(t -> t[1]).sorted().toArray();
    return all.length == 0 ? 0 : all[Math.min(all.length - 1, (int) Math.ceil(q * all.length) - 1)];
  }

  /** The longest a request sent between {@code from} and {@code to} (epoch millis) took to be answered. */
  long slowestSentBetween(long from, long to) {
    long slowest = 0;
    for (long[] t : timings) {
      if (t[0] >= from && t[0] <= to) {
        slowest = Math.max(slowest, t[1]);
      }
    }
    return slowest;
  }

  private static String describe(HttpResponse<Buffer> r, Throwable cause) {
    if (r == null) {
      return "error " + cause.getClass().getSimpleName();
    }
    String message = r.bodyAsString();
    return r.statusCode() + " " + (message == null ? "" : message.length() > 120 ? message.substring(0, 120) : message);
  }

  void stop() throws InterruptedException {
    running = false;
    assertThat(done.await(60, TimeUnit.SECONDS)).as("load stopped").isTrue();
  }

  List<Answer> answers() {
    return List.copyOf(answers);
  }

  Map<String, Integer> failures() {
    return new TreeMap<>(failures.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get())));
  }

  /** Waits until every rotation has an acknowledged pick answered after {@code since}; returns when that was. */
  long awaitEveryRotationServedAfter(long since, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      Map<Long, Long> first = new HashMap<>();
      for (Answer a : answers) {
        if (a.atMillis() > since) {
          first.merge(a.rotation(), a.atMillis(), Math::min);
        }
      }
      if (first.keySet().containsAll(rotations)) {
        return first.values().stream().mapToLong(Long::longValue).max().orElseThrow();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not every rotation was served again within " + timeoutMs + " ms; failures: " + failures());
  }

  /**
   * The checks of "loses and repeats nothing": per rotation, no sequence acknowledged twice; the log (once
   * complete) holds exactly 1..max, each acknowledged pick with the user it was answered with, each user
   * where the schedule puts it. Returns the log size.
   */
  int verify(String pgUri) throws Exception {
    List<Answer> acked = answers();
    Map<Long, Map<Long, String>> answered = new HashMap<>();
    Map<List<Long>, Answer> first = new HashMap<>();
    for (Answer a : acked) {
      Answer before = first.put(List.of(a.rotation(), a.sequence()), a);
      assertThat(before).as("rotation %d sequence %d acknowledged twice: %s and %s", a.rotation(), a.sequence(),
          before, a).isNull();
      answered.computeIfAbsent(a.rotation(), r -> new HashMap<>()).put(a.sequence(), a.user());
    }
    Map<Long, TreeMap<Long, String>> log = awaitLog(pgUri, answered);
    int rows = 0;
    for (long rotation : rotations) {
      TreeMap<Long, String> entries = log.getOrDefault(rotation, new TreeMap<>());
      rows += entries.size();
      assertThat(entries.isEmpty() ? 0 : entries.lastKey()).as("rotation %d: log has no gap", rotation)
          .isEqualTo(entries.size());
      entries.forEach((sequence, user) -> assertThat(user.charAt(0))
          .as("rotation %d sequence %d follows the schedule", rotation, sequence)
          .isEqualTo(SCHEDULE.charAt((int) ((sequence - 1) % SCHEDULE.length()))));
      answered.getOrDefault(rotation, Map.of()).forEach((sequence, user) -> assertThat(entries.get(sequence))
          .as("rotation %d sequence %d: logged as answered", rotation, sequence).isEqualTo(user));
    }
    return rows;
  }

  /** The assignment log of the rotations, once it holds every answered sequence and nothing more arrives. */
  private Map<Long, TreeMap<Long, String>> awaitLog(String pgUri, Map<Long, Map<Long, String>> answered) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    Map<Long, TreeMap<Long, String>> previous = null;
    while (true) {
      Map<Long, TreeMap<Long, String>> log = readLog(pgUri);
      boolean complete = answered.entrySet().stream().allMatch(e ->
          log.containsKey(e.getKey()) && log.get(e.getKey()).keySet().containsAll(e.getValue().keySet()));
      if ((complete && log.equals(previous)) || System.currentTimeMillis() > deadline) {
        return log;
      }
      previous = log;
      Thread.sleep(300);
    }
  }

  private Map<Long, TreeMap<Long, String>> readLog(String pgUri) throws Exception {
    Map<Long, TreeMap<Long, String>> log = new HashMap<>();
    String ids = rotations.stream().map(String::valueOf).collect(Collectors.joining(","));
    try (Connection c = Postgres.connectJdbc(pgUri); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT rotation_id, sequence, email FROM assignment WHERE rotation_id IN ("
             + ids + ")")) {
      while (rs.next()) {
        log.computeIfAbsent(rs.getLong(1), r -> new TreeMap<>()).put(rs.getLong(2), rs.getString(3));
      }
    }
    return log;
  }

  /** How many log rows member {@code node} (its name ends with its Hazelcast port) wrote. */
  static int rowsWrittenBy(String pgUri, int hazelcastPort) throws Exception {
    try (Connection c = Postgres.connectJdbc(pgUri); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM assignment WHERE node LIKE '%:" + hazelcastPort + "'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  static List<Long> perPort(List<Answer> answers, int port) {
    return answers.stream().filter(a -> a.port() == port).map(Answer::sequence).toList();
  }

  void close() {
    client.close();
  }

}
