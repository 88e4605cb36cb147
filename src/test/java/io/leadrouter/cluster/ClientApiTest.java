package io.leadrouter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.client.ClientOptions;
import io.leadrouter.client.ClusterSettings;
import io.leadrouter.client.Lead;
import io.leadrouter.client.LeadRequest;
import io.leadrouter.client.LeadRouterClient;
import io.leadrouter.client.LeadRouterException;
import io.leadrouter.client.NextUser;
import io.leadrouter.client.Picks;
import io.leadrouter.client.RotationInfo;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The client's typed calls over both transports against one member: a lite-member client on the event bus and
 * an HTTP client. Picks, the rotation, a lead, the caller's own Idempotency-Key (one key over both transports
 * is one pick) and typed errors as the API words them.
 */
class ClientApiTest {

  @Test
  void bothTransportsPickReadCreateLeadsAndFailTyped() throws Exception {
    String pgUri = TestPostgres.freshDatabaseUri();
    List<Integer> ports = InJvmMember.freePorts(3);
    InJvmMember member = InJvmMember.start(pgUri, ports.get(0), List.of(ports.get(0)), "--cluster-quorum", "1");
    Vertx vertx = Vertx.vertx();
    LeadRouterClient bus = null;
    LeadRouterClient http = null;
    try {
      String token = TestApp.token(vertx, "svc@example.com", "2311");
      Api api = new Api(vertx, member.httpPort(), token, "2311");
      InJvmMember.awaitSettled(List.of(api), 1);
      long id = api.createRotation(new JsonObject().put("name", "typed").put("members", new JsonArray()
          .add(new JsonObject().put("email", "a@example.com").put("weight", 2)).add("b@example.com")))
          .await(10, TimeUnit.SECONDS).getLong("id");
      String ingest = api.post("/lead-rotations/" + id + "/tokens", new JsonObject().put("name", "client"))
          .await(10, TimeUnit.SECONDS).bodyAsJsonObject().getString("token");

      ClientOptions options = ClientOptions.withToken(token).callTimeout(Duration.ofSeconds(30));
      bus = LeadRouterClient.joinCluster(ClusterSettings.tcp(List.of("127.0.0.1:" + ports.get(0))).partitions(61)
          .port(ports.get(1)).busPort(ports.get(2)), options).await(2, TimeUnit.MINUTES);
      try (java.net.Socket s = new java.net.Socket()) { // the client's event bus listens where it was told
        s.connect(new java.net.InetSocketAddress("127.0.0.1", ports.get(2)), 2_000);
        assertThat(s.isConnected()).isTrue();
      }
      http = LeadRouterClient.http(vertx, List.of("http://127.0.0.1:" + member.httpPort()), options);
      // the client is a lite member: it holds no partitions and is not counted as a member (nor by the quorum)
      JsonObject cluster = api.get("/health/ready").await(10, TimeUnit.SECONDS).bodyAsJsonObject()
          .getJsonObject("checks").getJsonObject("cluster");
      assertThat(cluster.getInteger("members")).isEqualTo(1);
      assertThat(cluster.getInteger("liteMembers")).isEqualTo(1);
      assertThat(cluster.getInteger("partitionsOwned")).isEqualTo(61);
      assertThat(cluster.getJsonArray("foreignMembers")).isEmpty();

      NextUser first = bus.nextUser("2311", id).await(30, TimeUnit.SECONDS);
      NextUser second = http.nextUser("2311", id).await(30, TimeUnit.SECONDS);
      assertThat(List.of(first.sequence(), second.sequence())).containsExactly(1L, 2L);
      assertThat(List.of(first.email(), second.email())).containsExactly("a@example.com", "b@example.com");
      assertThat(first.rotationId()).isEqualTo(id);

      // the caller's own key: one pick, whichever transport asks again
      NextUser keyed = bus.nextUser("2311", id, "order-77").await(30, TimeUnit.SECONDS);
      assertThat(http.nextUser("2311", id, "order-77").await(30, TimeUnit.SECONDS).json()).isEqualTo(keyed.json());
      RotationInfo rotation = http.rotation("2311", id).await(30, TimeUnit.SECONDS);
      assertThat(rotation.sequence()).isEqualTo(3);
      // batches: in order, once per key over either transport
      Picks batch = bus.nextUsers("2311", id, 3, "batch-1").await(30, TimeUnit.SECONDS);
      assertThat(batch.picks()).extracting(Picks.Pick::sequence).containsExactly(4L, 5L, 6L);
      assertThat(batch.error()).isNull();
      assertThat(http.nextUsers("2311", id, 3, "batch-1").await(30, TimeUnit.SECONDS).json()).isEqualTo(batch.json());
      assertThat(http.nextUsers("2311", id, 2).await(30, TimeUnit.SECONDS).picks()).extracting(Picks.Pick::sequence)
          .containsExactly(7L, 8L);
      assertThat(bus.rotation("2311", id).await(30, TimeUnit.SECONDS).emails()).containsExactly("a@example.com", "b@example.com");

      JsonObject fields = new JsonObject().put("email", "dana@example.org").put("firstName", "Dana");
      Lead overBus = bus.createLead(LeadRequest.of("2311", id, fields)).await(30, TimeUnit.SECONDS);
      Lead overHttp = http.createLead(LeadRequest.of("2311", id, fields).withIngestToken(ingest)).await(30, TimeUnit.SECONDS);
      assertThat(List.of(overBus.sequence(), overHttp.sequence())).containsExactly(9L, 10L);
      assertThat(overBus.owner()).isEqualTo("a@example.com");

      for (LeadRouterClient c : List.of(bus, http)) {
        LeadRouterException missing = refusal(c.nextUser("2311", 999_999));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo("not_found");
        assertThat(missing.retryable()).isFalse();
        LeadRouterException forbidden = refusal(c.rotation("9999", id));
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.code()).isEqualTo("forbidden");
      }
      LeadRouterException badLead = refusal(bus.createLead(LeadRequest.of("2311", id, new JsonObject().put("weigth", 1))));
      assertThat(badLead.status()).isEqualTo(400);
      assertThat(badLead.getMessage()).contains("lead.weigth");
    } finally {
      if (bus != null) {
        bus.close().await(1, TimeUnit.MINUTES);
      }
      if (http != null) {
        http.close();
      }
      member.stop();
      vertx.close().await(10, TimeUnit.SECONDS);
      TestPostgres.dropDatabase(pgUri);
    }
  }

  private static LeadRouterException refusal(Future<?> call) {
    try {
      call.await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      // checked below
    }
    assertThat(call.failed()).as("refused").isTrue();
    assertThat(call.cause()).isInstanceOf(LeadRouterException.class);
    return (LeadRouterException) call.cause();
  }
}
