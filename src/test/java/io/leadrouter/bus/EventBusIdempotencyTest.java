package io.leadrouter.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code leadrouter.api.next-user} with the delivery header {@code idempotency-key}: at most one pick per key. */
@ExtendWith(VertxExtension.class)
class EventBusIdempotencyTest {

  private TestApp node;
  private Vertx vertx;
  private Api api;
  private String token;
  private long id;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    node = TestApp.start(vertx).await(30, TimeUnit.SECONDS);
    token = TestApp.token(vertx, "svc@example.com", "2311");
    api = new Api(vertx, node.port(), token, "2311");
    id = api.createRotation(new JsonObject().put("name", "bus keys").put("members", new JsonArray()
        .add(new JsonObject().put("email", "a@example.com").put("weight", 2)).add("b@example.com")))
        .await(10, TimeUnit.SECONDS).getLong("id");
  }

  @AfterEach
  void stop() throws Exception {
    node.app.stop().await(30, TimeUnit.SECONDS);
  }

  private Future<Message<JsonObject>> pick(String key, JsonObject body) {
    DeliveryOptions options = new DeliveryOptions().addHeader("authorization", "Bearer " + token);
    if (key != null) {
      options.addHeader("idempotency-key", key);
    }
    return vertx.eventBus().request(EventBusApiVerticle.NEXT_USER, body, options);
  }

  private JsonObject pickOf(long rotationId, String key) throws Exception {
    return pick(key, new JsonObject().put("rotationId", rotationId).put("accountId", "2311"))
        .await(10, TimeUnit.SECONDS).body();
  }

  private static ReplyException refusal(Future<?> f) {
    try {
      f.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // checked below
    }
    assertThat(f.failed()).as("refused").isTrue();
    return (ReplyException) f.cause();
  }

  private long sequenceNow() throws Exception {
    return api.get("/lead-rotations/" + id).await(10, TimeUnit.SECONDS).bodyAsJsonObject().getLong("sequence");
  }

  @Test
  void aRepeatedKeyGetsTheFirstAnswerAndPicksNobody() throws Exception {
    JsonObject first = pickOf(id, "bus-key-1");
    JsonObject again = pickOf(id, "bus-key-1");
    assertThat(again).isEqualTo(first);
    assertThat(first.getLong("sequence")).isEqualTo(1);
    assertThat(sequenceNow()).as("one pick for two deliveries with one key").isEqualTo(1);

    JsonObject other = pickOf(id, "bus-key-2");
    assertThat(other.getLong("sequence")).isEqualTo(2);
    JsonObject unkeyed = pickOf(id, null);
    JsonObject unkeyedAgain = pickOf(id, null);
    assertThat(unkeyedAgain.getLong("sequence")).as("without a key every delivery picks")
        .isEqualTo(unkeyed.getLong("sequence") + 1);
  }

  @Test
  void keysAreSharedWithPostNextUserOverHttp() throws Exception {
    HttpResponse<Buffer> http = api.request(io.vertx.core.http.HttpMethod.POST, "/lead-rotations/" + id + "/next-user")
        .putHeader("Idempotency-Key", "shared-1").send().await(10, TimeUnit.SECONDS);
    assertThat(http.statusCode()).isEqualTo(200);
    JsonObject overBus = pickOf(id, "shared-1");
    assertThat(overBus).isEqualTo(http.bodyAsJsonObject());

    JsonObject busFirst = pickOf(id, "shared-2");
    HttpResponse<Buffer> httpAgain = api.request(io.vertx.core.http.HttpMethod.POST,
        "/lead-rotations/" + id + "/next-user").putHeader("Idempotency-Key", "shared-2").send().await(10, TimeUnit.SECONDS);
    assertThat(httpAgain.bodyAsJsonObject()).isEqualTo(busFirst);
    assertThat(sequenceNow()).isEqualTo(2);
  }

  @Test
  void aKeyReusedForAnotherRequestIsRefusedAndPicksNobody() throws Exception {
    long other = api.createRotation(new JsonObject().put("name", "other").put("members", new JsonArray().add("c@example.com")))
        .await(10, TimeUnit.SECONDS).getLong("id");
    pickOf(id, "reused");
    ReplyException e = refusal(pick("reused", new JsonObject().put("rotationId", other).put("accountId", "2311")));
    assertThat(e.failureCode()).isEqualTo(422);
    assertThat(e.getMessage()).contains("Idempotency-Key");
    ReplyException extra = refusal(pick("reused", new JsonObject().put("rotationId", id).put("accountId", "2311")
        .put("note", "different")));
    assertThat(extra.failureCode()).as("another field makes another request").isEqualTo(422);
    assertThat(api.get("/lead-rotations/" + other).await(10, TimeUnit.SECONDS).bodyAsJsonObject().getLong("sequence"))
        .isZero();
    assertThat(sequenceNow()).isEqualTo(1);
  }

  @Test
  void aBadKeyIsRefusedNamingTheHeader() throws Exception {
    ReplyException e = refusal(pick("has space", new JsonObject().put("rotationId", id).put("accountId", "2311")));
    assertThat(e.failureCode()).isEqualTo(400);
    assertThat(e.getMessage()).contains("Idempotency-Key");
    assertThat(sequenceNow()).isZero();
  }

  @Test
  void aFinalRefusalIsReplayedForTheKey() throws Exception {
    ReplyException first = refusal(pick("gone", new JsonObject().put("rotationId", 987_654).put("accountId", "2311")));
    assertThat(first.failureCode()).isEqualTo(404);
    ReplyException again = refusal(pick("gone", new JsonObject().put("rotationId", 987_654).put("accountId", "2311")));
    assertThat(again.failureCode()).isEqualTo(404);
    assertThat(again.getMessage()).isEqualTo(first.getMessage());
  }
}
