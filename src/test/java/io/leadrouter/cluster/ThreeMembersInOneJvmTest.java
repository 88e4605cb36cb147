package io.leadrouter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.store.pg.Postgres;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three cluster members in this JVM (three clustered Vert.x instances, three Hazelcast members, one
 * Postgres database): any member serves any rotation, and every rotation has one owner.
 */
class ThreeMembersInOneJvmTest {

  private static final int PARTITIONS = 61;

  private static String pgUri;
  private static final List<InJvmMember> members = new ArrayList<>();
  private static Vertx client;
  private static final List<Api> apis = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    pgUri = TestPostgres.freshDatabaseUri();
    List<Integer> ports = InJvmMember.freePorts(3);
    for (int port : ports) {
      members.add(InJvmMember.start(pgUri, port, ports));
    }
    client = Vertx.vertx();
    String token = TestApp.token(client, "ops@example.com", "2311");
    for (InJvmMember m : members) {
      apis.add(new Api(client, m.httpPort(), token, "2311"));
    }
    InJvmMember.awaitSettled(apis, 3);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (InJvmMember m : members) {
      m.stop();
    }
    if (client != null) {
      client.close().await(10, TimeUnit.SECONDS);
    }
    TestPostgres.dropDatabase(pgUri);
  }

  private static long rotation(String name) throws Exception {
    return apis.get(0).createRotation(new JsonObject().put("name", name).put("members", new JsonArray()
            .add(new JsonObject().put("email", "a@example.com").put("weight", 3))
            .add(new JsonObject().put("email", "b@example.com").put("weight", 1))
            .add(new JsonObject().put("email", "c@example.com").put("weight", 1))))
        .await(10, TimeUnit.SECONDS).getLong("id");
  }

  @Test
  void picksThroughEveryMemberFollowOneSchedule() throws Exception {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(rotation("one schedule " + i));
    }
    for (long id : ids) {
      StringBuilder users = new StringBuilder();
      for (int i = 1; i <= 15; i++) {
        HttpResponse<Buffer> r = apis.get(i % 3).get("/lead-rotations/" + id + "/next-user").await(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getLong("sequence")).isEqualTo(i);
        users.append(r.bodyAsJsonObject().getString("currentUser").charAt(0));
      }
      assertThat(users.toString()).as("rotation %d, picked through members 1,2,0,1,2,...", id)
          .isEqualTo("abaca".repeat(3));
    }
  }

  @Test
  void concurrentPicksThroughAllMembersGetEverySequenceOnce() throws Exception {
    long id = rotation("hot");
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      calls.add(apis.get(i % 3).get("/lead-rotations/" + id + "/next-user"));
    }
    Future.join(calls).await(60, TimeUnit.SECONDS);
    List<Long> sequences = new ArrayList<>();
    Map<String, Integer> perUser = new TreeMap<>();
    for (Future<HttpResponse<Buffer>> call : calls) {
      HttpResponse<Buffer> r = call.result();
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      sequences.add(r.bodyAsJsonObject().getLong("sequence"));
      perUser.merge(r.bodyAsJsonObject().getString("currentUser"), 1, Integer::sum);
    }
    assertThat(sequences).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 600).boxed().toList());
    assertThat(perUser).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "a@example.com", 360, "b@example.com", 120, "c@example.com", 120)));
    // the owner's write-behind puts every pick in the log once
    assertThat(awaitLog(id, 600)).containsExactlyElementsOf(LongStream.rangeClosed(1, 600).boxed().toList());
  }

  @Test
  void everyPartitionIsHostedByExactlyOneMember() throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    int sum;
    do {
      sum = 0;
      for (Api api : apis) {
        JsonObject ready = api.get("/health/ready").await(10, TimeUnit.SECONDS).bodyAsJsonObject();
        sum += ready.getJsonObject("checks").getInteger("partitions");
      }
      if (sum != PARTITIONS) {
        Thread.sleep(200);
      }
    } while (sum != PARTITIONS && System.currentTimeMillis() < deadline);
    assertThat(sum).isEqualTo(PARTITIONS);
    for (Api api : apis) {
      HttpResponse<Buffer> r = api.get("/health/ready").await(10, TimeUnit.SECONDS);
      JsonObject cluster = r.bodyAsJsonObject().getJsonObject("checks").getJsonObject("cluster");
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertThat(cluster.getInteger("members")).isEqualTo(3);
      assertThat(cluster.getBoolean("quorumPresent")).isTrue();
    }
  }

  /** The sequences of a rotation's assignment log, once it holds {@code expected} rows (or after 30 s). */
  static List<Long> awaitLog(long rotationId, int expected) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    List<Long> sequences;
    do {
      sequences = new ArrayList<>();
      try (Connection c = Postgres.connectJdbc(pgUri); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT sequence FROM assignment WHERE rotation_id = " + rotationId
               + " ORDER BY sequence")) {
        while (rs.next()) {
          sequences.add(rs.getLong(1));
        }
      }
      if (sequences.size() < expected) {
        Thread.sleep(100);
      }
    } while (sequences.size() < expected && System.currentTimeMillis() < deadline);
    return sequences;
  }
}
