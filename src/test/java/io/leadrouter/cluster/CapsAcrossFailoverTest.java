package io.leadrouter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A capped member across a crash of its rotation's owner: the cap count is part of the replicated progress,
 * so the new owner never hands the member more than its cap. The store never sees the ledger before the
 * crash (flushes are 10 s apart; the picks and the crash take well under that), so the count can only come from the replica.
 */
class CapsAcrossFailoverTest {

  private String pgUri;
  private final List<InJvmMember> members = new ArrayList<>();
  private Vertx client;

  @AfterEach
  void stop() throws Exception {
    for (InJvmMember m : members) {
      try {
        m.stop();
      } catch (Exception | AssertionError ignored) {
        // the crashed member is stopped already
      }
    }
    if (client != null) {
      client.close().await(10, TimeUnit.SECONDS);
    }
    TestPostgres.dropDatabase(pgUri);
  }

  /**
   * The test must not straddle the start of an ISO week (UTC, the rotation's zone): the weekly cap would start
   * afresh. Near one, it waits until the new week has begun.
   */
  private static void notAcrossAWeekTurn() throws InterruptedException {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    ZonedDateTime next = now.toLocalDate().with(TemporalAdjusters.next(DayOfWeek.MONDAY)).atStartOfDay(ZoneOffset.UTC);
    Duration left = Duration.between(now, next);
    if (left.compareTo(Duration.ofMinutes(3)) < 0) {
      Thread.sleep(left.toMillis() + 1_000);
    }
  }

  @Test
  void theNewOwnerKeepsTheCapCountOfTheCrashedOne() throws Exception {
    notAcrossAWeekTurn();
    pgUri = TestPostgres.freshDatabaseUri();
    List<Integer> ports = InJvmMember.freePorts(3);
    for (int port : ports) {
      members.add(InJvmMember.start(pgUri, port, ports, "--flush-interval-ms", "10000"));
    }
    client = Vertx.vertx();
    String token = TestApp.token(client, "ops@example.com", "2311");
    List<Api> apis = new ArrayList<>();
    for (InJvmMember m : members) {
      apis.add(new Api(client, m.httpPort(), token, "2311"));
    }
    InJvmMember.awaitSettled(apis, 3);
    long id = apis.get(0).createRotation(new JsonObject().put("name", "capped").put("members", new JsonArray()
            .add(new JsonObject().put("email", "a@example.com").put("weight", 3)
                .put("caps", new JsonObject().put("week", 2)))
            .add(new JsonObject().put("email", "b@example.com"))))
        .await(10, TimeUnit.SECONDS).getLong("id");

    int owner = -1;
    for (int i = 0; i < members.size(); i++) {
      InJvmMember m = members.get(i);
      if (m.node.ownership().hosts(m.node.partitioner().partitionOf(id))) {
        owner = i;
      }
    }
    assertThat(owner).as("the rotation's owner").isNotNegative();
    int survivor = (owner + 1) % 3;

    List<String> picked = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      picked.add(pick(apis.get(survivor), id).getString("currentUser"));
    }
    assertThat(picked).containsExactly("a@example.com", "a@example.com", "b@example.com", "b@example.com");

    // crash: the owner's Hazelcast member drops out without handing anything over, its Vert.x goes with it
    Vertx crashed = members.get(owner).node.vertx();
    ((HazelcastClusterManager) ((VertxInternal) crashed).clusterManager()).getHazelcastInstance()
        .getLifecycleService().terminate();
    crashed.close(); // not awaited: without its cluster it cannot leave cleanly, and nothing depends on it
    members.remove(owner);
    apis.remove(owner);
    survivor = owner < survivor ? survivor - 1 : survivor;
    // until the rotation's new owner answers (a read, no pick): this test is about the cap, not failover speed
    long deadline = System.currentTimeMillis() + 60_000;
    while (apis.get(survivor).get("/lead-rotations/" + id).await(30, TimeUnit.SECONDS).statusCode() != 200) {
      assertThat(System.currentTimeMillis()).as("a new owner serves the rotation").isLessThan(deadline);
      Thread.sleep(100);
    }

    for (int i = 0; i < 6; i++) {
      JsonObject p = pick(apis.get(survivor), id);
      assertThat(p.getLong("sequence")).isEqualTo(5 + i); // the replica had every acknowledged pick
      assertThat(p.getString("currentUser")).as("pick %d after the crash", i + 1).isEqualTo("b@example.com");
      assertThat(p.getJsonArray("skipped").getJsonObject(0).getString("reason")).isEqualTo("cap_week");
    }
  }

  private static JsonObject pick(Api api, long id) throws Exception {
    HttpResponse<Buffer> r = api.get("/lead-rotations/" + id + "/next-user").await(30, TimeUnit.SECONDS);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }
}
