package io.leadrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.store.pg.PgStore;
import io.leadrouter.store.pg.Postgres;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.SseStream;
import io.leadrouter.testing.TestPostgres;
import io.leadrouter.bus.EventBusApiVerticle;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /lead-rotations/{id}/events} on a single node with Postgres: picks made through the API arrive in
 * order with their sequence; the stream is authenticated and account-checked like every rotation route, and
 * ends when the rotation is deleted.
 */
@ExtendWith(VertxExtension.class)
class EventStreamTest {

  private Vertx vertx;
  private String uri;
  private PgStore store;
  private TestApp node;
  private Api api;
  private HttpClient client;

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    uri = TestPostgres.freshDatabaseUri();
    store = await(Postgres.open(vertx, uri, 4));
    node = await(TestApp.start(vertx, store));
    api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() throws Exception {
    await(client.close());
    await(node.app.stop());
    await(store.close());
    TestPostgres.dropDatabase(uri);
  }

  private long rotation(String... emails) throws Exception {
    JsonArray members = new JsonArray();
    for (String email : emails) {
      HttpResponse<Buffer> u = await(api.post("/users", new JsonObject().put("email", email)));
      assertThat(u.statusCode()).as(u.bodyAsString()).isEqualTo(201);
      members.add(email);
    }
    return await(api.createRotation(new JsonObject().put("name", "Stream").put("members", members))).getLong("id");
  }

  @Test
  void picksThroughTheApiArriveInOrderWithTheirSequence() throws Exception {
    long id = rotation("ann@example.com", "bob@example.com");
    SseStream stream = await(SseStream.open(client, node.port(), id, TestApp.token(vertx, "ops@example.com", "2311"), "2311"));
    assertThat(stream.response().statusCode()).isEqualTo(200);
    assertThat(stream.response().getHeader("content-type")).startsWith("text/event-stream");
    List<Long> sequences = new ArrayList<>();
    List<String> emails = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      HttpResponse<Buffer> r = await(api.get("/lead-rotations/" + id + "/next-user"));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      sequences.add(r.bodyAsJsonObject().getLong("sequence"));
      emails.add(r.bodyAsJsonObject().getString("currentUser"));
    }
    List<JsonObject> picks = stream.picks(6);
    assertThat(picks).extracting(p -> p.getLong("sequence")).containsExactlyElementsOf(sequences);
    assertThat(picks).extracting(p -> p.getString("email")).containsExactlyElementsOf(emails);
    assertThat(sequences).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(picks.get(0).getLong("rotationId")).isEqualTo(id);
    assertThat(picks.get(0).getString("at")).endsWith("Z");
    assertThat(picks.get(0).getJsonArray("skipped")).isEmpty();
    assertThat(picks.get(0).containsKey("fallbackFrom")).isFalse();

    // deleting the rotation ends the stream
    assertThat(await(api.delete("/lead-rotations/" + id)).statusCode()).isEqualTo(204);
    assertThat(stream.awaitEnd()).as("stream ended after delete: " + stream.text()).isTrue();
    assertThat(stream.text()).contains("event: deleted\n");
  }

  @Test
  void picksFromEveryEdgeAppearOnceEach() throws Exception {
    long id = rotation("ann@example.com", "bob@example.com");
    String token = TestApp.token(vertx, "ops@example.com", "2311");
    SseStream stream = await(SseStream.open(client, node.port(), id, token, "2311"));
    List<Long> sequences = new ArrayList<>();
    // HTTP GET and POST next-user
    sequences.add(await(api.get("/lead-rotations/" + id + "/next-user")).bodyAsJsonObject().getLong("sequence"));
    HttpResponse<Buffer> posted = await(api.request(io.vertx.core.http.HttpMethod.POST, "/lead-rotations/" + id
        + "/next-user").putHeader("idempotency-key", "k-1").send());
    assertThat(posted.statusCode()).as(posted.bodyAsString()).isEqualTo(200);
    sequences.add(posted.bodyAsJsonObject().getLong("sequence"));
    // the same key again: the first answer replayed, no second pick
    assertThat(await(api.request(io.vertx.core.http.HttpMethod.POST, "/lead-rotations/" + id + "/next-user")
        .putHeader("idempotency-key", "k-1").send()).bodyAsJsonObject().getLong("sequence")).isEqualTo(sequences.get(1));
    // the event-bus API
    JsonObject viaBus = (JsonObject) await(vertx.eventBus().request(EventBusApiVerticle.NEXT_USER,
        new JsonObject().put("rotationId", id).put("accountId", "2311"),
        new DeliveryOptions().addHeader("authorization", "Bearer " + token))).body();
    sequences.add(viaBus.getLong("sequence"));
    // POST /v1/leads with an ingest token
    String ingest = await(api.post("/lead-rotations/" + id + "/tokens", new JsonObject().put("name", "form")))
        .bodyAsJsonObject().getString("token");
    HttpResponse<Buffer> lead = await(api.as(null, null).post("/v1/leads", new JsonObject()
        .put("current_token", ingest).put("email", "lead@example.com")));
    assertThat(lead.statusCode()).as(lead.bodyAsString()).isEqualTo(201);
    sequences.add(lead.bodyAsJsonObject().getLong("sequence"));

    List<JsonObject> picks = stream.picks(4);
    assertThat(picks).extracting(p -> p.getLong("sequence")).containsExactlyElementsOf(sequences);
    // and nothing more arrives for them (one more pick is the next event)
    long last = await(api.get("/lead-rotations/" + id + "/next-user")).bodyAsJsonObject().getLong("sequence");
    assertThat(stream.picks(5)).extracting(p -> p.getLong("sequence")).endsWith(last).hasSize(5);
  }

  @Test
  void aFallbackPickShowsInTheStreamsOfBothRotations() throws Exception {
    long backup = rotation("bob@example.com");
    long bob = Long.parseLong(await(api.get("/lead-rotations/" + backup)).bodyAsJsonObject().getJsonArray("members")
        .getJsonObject(0).getString("userId"));
    assertThat(await(api.post("/users", new JsonObject().put("email", "ann@example.com"))).statusCode()).isEqualTo(201);
    long front = await(api.createRotation(new JsonObject().put("name", "Front").put("members", new JsonArray()
        .add(new JsonObject().put("email", "ann@example.com").put("paused", true)))
        .put("fallback", new JsonObject().put("rotationId", backup)))).getLong("id");
    String token = TestApp.token(vertx, "ops@example.com", "2311");
    SseStream frontStream = await(SseStream.open(client, node.port(), front, token, "2311"));
    SseStream backupStream = await(SseStream.open(client, node.port(), backup, token, "2311"));
    JsonObject picked = await(api.get("/lead-rotations/" + front + "/next-user")).bodyAsJsonObject();
    assertThat(picked.getLong("fallbackFrom")).isEqualTo(front);
    for (SseStream stream : List.of(frontStream, backupStream)) {
      List<JsonObject> picks = stream.picks(1);
      assertThat(picks).hasSize(1);
      assertThat(picks.get(0).getLong("sequence")).isEqualTo(picked.getLong("sequence"));
      assertThat(picks.get(0).getLong("rotationId")).isEqualTo(backup);
      assertThat(picks.get(0).getLong("fallbackFrom")).isEqualTo(front);
      assertThat(picks.get(0).getLong("userId")).isEqualTo(bob);
    }
  }

  @Test
  void aSkippedMemberIsNamedInTheEvent() throws Exception {
    long id = rotation("ann@example.com", "bob@example.com");
    long ann = Long.parseLong(await(api.get("/lead-rotations/" + id)).bodyAsJsonObject().getJsonArray("members")
        .getJsonObject(0).getString("userId"));
    assertThat(await(api.patch("/lead-rotations/" + id + "/members/" + ann, new JsonObject().put("paused", true)))
        .statusCode()).isEqualTo(200);
    SseStream stream = await(SseStream.open(client, node.port(), id, TestApp.token(vertx, "ops@example.com", "2311"), "2311"));
    assertThat(await(api.get("/lead-rotations/" + id + "/next-user")).statusCode()).isEqualTo(200);
    List<JsonObject> picks = stream.picks(1);
    assertThat(picks).hasSize(1);
    assertThat(picks.get(0).getString("email")).isEqualTo("bob@example.com");
    assertThat(picks.get(0).getJsonArray("skipped")).containsExactly(
        new JsonObject().put("userId", ann).put("reason", "paused"));
  }

  @Test
  void aReaderThatFallsBehindIsToldHowManyPicksItLost() throws Exception {
    long id = rotation("ann@example.com");
    SseStream stream = await(SseStream.open(client, node.port(), id, TestApp.token(vertx, "ops@example.com", "2311"), "2311"));
    stream.response().pause(); // the reader stops reading: the server's write queue fills up
    String padding = "x".repeat(200);
    int batches = 200;
    int perBatch = 1_000;
    long sequence = 0;
    for (int b = 0; b < batches; b++) {
      JsonArray picks = new JsonArray();
      for (int i = 0; i < perBatch; i++) {
        picks.add(new JsonObject().put("sequence", ++sequence).put("rotationId", id).put("userId", 1)
            .put("name", padding).put("email", "ann@example.com").put("at", "2026-01-05T10:00:00Z")
            .put("skipped", new JsonArray()));
      }
      // as the rotation's owner publishes them (PickEvents)
      vertx.eventBus().publish(io.leadrouter.owner.PickEvents.address(id), new JsonObject().put("picks", picks));
    }
    // publishing returns before the node wrote the batches: the reader resumes only once the node dropped some
    // (else, on a loaded machine, it could catch up before the node's write queue ever filled)
    long full = System.currentTimeMillis() + 30_000;
    while (droppedTotal() == 0 && System.currentTimeMillis() < full) {
      Thread.sleep(50);
    }
    stream.response().resume();
    // the count of picks lost is written with the next batch that finds room: one pick more at a time until
    // every pick is either shown or counted
    long deadline = System.currentTimeMillis() + 30_000;
    long seen = 0;
    long dropped = 0;
    while (System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
      vertx.eventBus().publish(io.leadrouter.owner.PickEvents.address(id), new JsonObject().put("picks",
          new JsonArray().add(new JsonObject().put("sequence", ++sequence).put("rotationId", id).put("userId", 1)
              .put("name", "Ann").put("email", "ann@example.com").put("at", "2026-01-05T10:00:00Z")
              .put("skipped", new JsonArray()))));
      Thread.sleep(50);
      String text = stream.text();
      seen = SseStream.countPicks(text);
      dropped = SseStream.dropped(text);
      if (seen + dropped == sequence) {
        break;
      }
    }
    long total = sequence;
    assertThat(dropped).as("picks the slow reader lost, announced as event: dropped").isPositive();
    assertThat(seen + dropped).as("every pick either shown or counted as dropped").isEqualTo(total);
    assertThat(droppedTotal()).as("leadrouter_events_dropped_total").isEqualTo(dropped);
  }

  /** The node's {@code leadrouter_events_dropped_total}, from its {@code /metrics}. */
  private long droppedTotal() throws Exception {
    String metrics = await(api.get("/metrics")).bodyAsString();
    return metrics.lines().filter(l -> l.startsWith("leadrouter_events_dropped_total "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1))).sum();
  }

  @Test
  void aStoppingNodeEndsItsOpenStreams() throws Exception {
    long id = rotation("ann@example.com");
    SseStream stream = await(SseStream.open(client, node.port(), id, TestApp.token(vertx, "ops@example.com", "2311"), "2311"));
    assertThat(stream.response().statusCode()).isEqualTo(200);
    await(node.app.stop());
    assertThat(stream.awaitEnd()).as("the stream ended: " + stream.text()).isTrue();
    node = await(TestApp.start(vertx, store)); // for stop()
  }

  @Test
  void anonymousIs401AndAnotherAccountsRotationIs404() throws Exception {
    long id = rotation("ann@example.com");
    SseStream anonymous = await(SseStream.open(client, node.port(), id, null, "2311"));
    assertThat(anonymous.response().statusCode()).isEqualTo(401);
    SseStream stranger = await(SseStream.open(client, node.port(), id, TestApp.token(vertx, "eve@example.com", "7777"), "7777"));
    assertThat(stranger.response().statusCode()).isEqualTo(404);
    SseStream unknown = await(SseStream.open(client, node.port(), 999_999, TestApp.token(vertx, "ops@example.com", "2311"), "2311"));
    assertThat(unknown.response().statusCode()).isEqualTo(404);
    assertThat(unknown.awaitEnd()).isTrue();
    assertThat(new JsonObject(unknown.text()).getJsonObject("error").getString("code")).isEqualTo("not_found");
  }
}
