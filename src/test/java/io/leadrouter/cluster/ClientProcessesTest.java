package io.leadrouter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.store.pg.Postgres;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.ServiceProcess;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two members and a service using {@code lead-router-client} in a third JVM (over the event bus as a Hazelcast
 * lite member, or over HTTP): every logical call of the client is answered exactly once, by its own record,
 * also when a member is killed (SIGKILL) under the load; no sequence is answered twice and every answer is the
 * pick the assignment log holds for it.
 */
class ClientProcessesTest {

  private static final Logger LOG = LoggerFactory.getLogger(ClientProcessesTest.class);
  private static final int ROTATIONS = 10;

  /** One answered call as the client recorded it. */
  record Answer(int call, long rotation, long sequence, String email) {}

  private String pgUri;
  private Vertx vertx;
  private String token;
  private ServiceProcess client;

  @BeforeEach
  void setUp() {
    pgUri = TestPostgres.freshDatabaseUri();
    vertx = Vertx.vertx();
    token = TestApp.token(vertx, "service@example.com", "2311");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
    TestPostgres.dropDatabase(pgUri);
  }

  @Test
  void tenThousandPicksOverTheEventBusAreEachAnsweredOnceWithExactCounts() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster("client-bus", pgUri, 2, "--cluster-quorum", "1")) {
      startBoth(cluster);
      List<Long> rotations = rotations(cluster);
      client = startClient("bus", cluster, rotations, 10_000);
      List<Answer> answers = awaitDone(10_000);
      // 1,000 picks per rotation of weights 3,1,1: sequences 1..1000 once each, 600/200/200
      Map<Long, List<Answer>> byRotation = answers.stream().collect(Collectors.groupingBy(Answer::rotation));
      for (long rotation : rotations) {
        List<Answer> picks = byRotation.get(rotation);
        assertThat(picks.stream().map(Answer::sequence).collect(Collectors.toSet()))
            .as("rotation %d: every sequence once", rotation).hasSize(1_000)
            .allMatch(s -> s >= 1 && s <= 1_000);
        Map<Character, Long> perUser = picks.stream().collect(Collectors.groupingBy(a -> a.email().charAt(0),
            Collectors.counting()));
        assertThat(perUser).as("rotation %d: per-user counts", rotation).isEqualTo(Map.of('a', 600L, 'b', 200L, 'c', 200L));
      }
      verifyAgainstLog(answers, rotations);
    }
  }

  @Test
  void aMemberKilledUnderEventBusLoadLeavesEveryCallAnsweredOnce() throws Exception {
    killUnderLoad("bus");
  }

  @Test
  void aMemberKilledUnderHttpLoadLeavesEveryCallAnsweredOnce() throws Exception {
    killUnderLoad("http");
  }

  private void killUnderLoad(String transport) throws Exception {
    int calls = 4_000;
    try (ProcessCluster cluster = new ProcessCluster("client-kill-" + transport, pgUri, 2, "--cluster-quorum", "1")) {
      startBoth(cluster);
      List<Long> rotations = rotations(cluster);
      client = startClient(transport, cluster, rotations, calls);
      long deadline = System.currentTimeMillis() + 120_000;
      while (answered() < 800 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertThat(answered()).as("load under way before the kill").isGreaterThanOrEqualTo(800);
      cluster.kill(1);
      LOG.info("{}: member 1 killed after {} answers", transport, answered());
      List<Answer> answers = awaitDone(calls);
      int spent = verifyAgainstLog(answers, rotations);
      LOG.info("{}: {} calls answered once each; {} picks made but never answered (spent by the crash)", transport,
          answers.size(), spent);
      assertThat(PickLoad.rowsWrittenBy(pgUri, cluster.hazelcastPort(1)))
          .as("the killed member owned rotations (else the crash tested nothing)").isPositive();
    }
  }

  private void startBoth(ProcessCluster cluster) throws Exception {
    cluster.start(0);
    cluster.start(1);
    long deadline = System.currentTimeMillis() + 90_000;
    for (int i = 0; i < 2; i++) {
      Api probe = new Api(vertx, cluster.httpPort(i), null, null);
      while (true) {
        var r = probe.get("/health/ready").await(10, TimeUnit.SECONDS);
        JsonObject c = r.bodyAsJsonObject().getJsonObject("checks").getJsonObject("cluster");
        if (r.statusCode() == 200 && c.getInteger("members") == 2 && c.getBoolean("clusterSafe")) {
          break;
        }
        assertThat(System.currentTimeMillis()).as("member %d ready: %s", i, r.bodyAsString()).isLessThan(deadline);
        Thread.sleep(200);
      }
    }
  }

  private List<Long> rotations(ProcessCluster cluster) throws Exception {
    Api api = new Api(vertx, cluster.httpPort(0), token, "2311");
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < ROTATIONS; i++) {
      ids.add(api.createRotation(new JsonObject().put("name", "client " + i).put("members", new JsonArray()
              .add(new JsonObject().put("email", "a@example.com").put("weight", 3))
              .add(new JsonObject().put("email", "b@example.com").put("weight", 1))
              .add(new JsonObject().put("email", "c@example.com").put("weight", 1))))
          .await(10, TimeUnit.SECONDS).getLong("id"));
    }
    return ids;
  }

  private ServiceProcess startClient(String transport, ProcessCluster cluster, List<Long> rotations, int calls)
      throws Exception {
    String flags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-")).collect(Collectors.joining(" "));
    ServiceProcess p = ServiceProcess.startMain(ClientLoadMain.class.getName(),
        Map.of("JAVA_TOOL_OPTIONS", flags, "LR_TOKEN", token),
        "transport=" + transport, "members=" + cluster.memberList(), "partitions=" + ProcessCluster.PARTITIONS,
        "http=http://127.0.0.1:" + cluster.httpPort(0) + ",http://127.0.0.1:" + cluster.httpPort(1),
        "account=2311", "rotations=" + rotations.stream().map(String::valueOf).collect(Collectors.joining(",")),
        "calls=" + calls, "concurrency=32", "attempt-ms=5000");
    assertThat(p.awaitLine("CLIENT READY", Duration.ofSeconds(90))).as("client started: %s", p.output()).isTrue();
    return p;
  }

  private long answered() {
    return client.output().stream().filter(l -> l.startsWith("A ")).count();
  }

  /** The client's own record once it is done: every call answered exactly once, none failed. */
  private List<Answer> awaitDone(int calls) throws Exception {
    assertThat(client.awaitLine("CLIENT DONE", Duration.ofMinutes(3))).as("client finished").isTrue();
    List<String> lines = client.output();
    LOG.info("client: {}", lines.stream().filter(l -> l.startsWith("CLIENT DONE")).findFirst().orElse(""));
    assertThat(lines.stream().filter(l -> l.startsWith("F ")).toList()).as("calls that failed").isEmpty();
    List<Answer> answers = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (String l : lines) {
      if (l.startsWith("A ")) {
        String[] f = l.split(" ");
        Answer a = new Answer(Integer.parseInt(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), f[4]);
        assertThat(seen.add(a.call())).as("call %d answered twice", a.call()).isTrue();
        answers.add(a);
      }
    }
    assertThat(seen).as("every call answered").hasSize(calls).allMatch(c -> c >= 0 && c < calls);
    return answers;
  }

  /**
   * No sequence of a rotation answered twice; every answer is the log's pick for its sequence and follows the
   * schedule (weights 3,1,1: a b a c a); the log has no gap. Returns the picks in the log that no call was
   * answered with (made by a member that died before answering; their calls were answered by a later pick).
   */
  private int verifyAgainstLog(List<Answer> answers, List<Long> rotations) throws Exception {
    Map<Long, Map<Long, String>> answered = new HashMap<>();
    for (Answer a : answers) {
      String before = answered.computeIfAbsent(a.rotation(), r -> new HashMap<>()).put(a.sequence(), a.email());
      assertThat(before).as("rotation %d sequence %d answered twice", a.rotation(), a.sequence()).isNull();
      assertThat(a.email().charAt(0)).as("rotation %d sequence %d follows the schedule", a.rotation(), a.sequence())
          .isEqualTo(PickLoad.SCHEDULE.charAt((int) ((a.sequence() - 1) % PickLoad.SCHEDULE.length())));
    }
    Map<Long, TreeMap<Long, String>> log = awaitLog(answered, rotations);
    int spent = 0;
    for (long rotation : rotations) {
      TreeMap<Long, String> entries = log.getOrDefault(rotation, new TreeMap<>());
      assertThat(entries.isEmpty() ? 0 : entries.lastKey()).as("rotation %d: log has no gap", rotation)
          .isEqualTo(entries.size());
      Map<Long, String> mine = answered.getOrDefault(rotation, Map.of());
      mine.forEach((sequence, email) -> assertThat(entries.get(sequence))
          .as("rotation %d sequence %d: logged as answered", rotation, sequence).isEqualTo(email));
      spent += entries.size() - mine.size();
    }
    return spent;
  }

  private Map<Long, TreeMap<Long, String>> awaitLog(Map<Long, Map<Long, String>> answered, List<Long> rotations)
      throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      Map<Long, TreeMap<Long, String>> log = new HashMap<>();
      String ids = rotations.stream().map(String::valueOf).collect(Collectors.joining(","));
      try (Connection c = Postgres.connectJdbc(pgUri); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT rotation_id, sequence, email FROM assignment WHERE rotation_id IN ("
               + ids + ")")) {
        while (rs.next()) {
          log.computeIfAbsent(rs.getLong(1), r -> new TreeMap<>()).put(rs.getLong(2), rs.getString(3));
        }
      }
      boolean complete = answered.entrySet().stream().allMatch(e ->
          log.containsKey(e.getKey()) && log.get(e.getKey()).keySet().containsAll(e.getValue().keySet()));
      if (complete || System.currentTimeMillis() > deadline) {
        return log;
      }
      Thread.sleep(300);
    }
  }
}
