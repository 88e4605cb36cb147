package io.leadrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.bus.EventBusApiVerticle;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
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

/** Several picks in one request, over HTTP and the event bus: order, numbers, keys, partial batches, bad counts. */
@ExtendWith(VertxExtension.class)
class BatchPickApiTest {

  private TestApp node;
  private Api api;
  private String token;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    node = await(TestApp.start(vertx, new TestClock("2026-03-02T10:15:00Z")));
    token = TestApp.token(vertx, "ops@example.com", "2311");
    api = new Api(vertx, node.port(), token, "2311");
  }

  @AfterEach
  void stop() throws Exception {
    node.app.stop().await(30, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  private long rotation(JsonArray members) throws Exception {
    HttpResponse<Buffer> r = await(api.post("/lead-rotations", new JsonObject().put("name", "Batch")
        .put("members", members)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getLong("id");
  }

  private HttpResponse<Buffer> batch(long id, JsonObject body, String key) throws Exception {
    var request = api.request(io.vertx.core.http.HttpMethod.POST, "/lead-rotations/" + id + "/next-users");
    if (key != null) {
      request.putHeader("Idempotency-Key", key);
    }
    return await(request.sendJsonObject(body));
  }

  private static List<String> emails(JsonObject answer) {
    List<String> out = new ArrayList<>();
    answer.getJsonArray("picks").forEach(p -> out.add(((JsonObject) p).getJsonObject("user").getString("email")));
    return out;
  }

  @Test
  void aBatchIsThatManyPicksInTheSmoothOrderEachWithItsNumberAndAKeyMakesItOnce() throws Exception {
    long id = rotation(new JsonArray().add(new JsonObject().put("email", "a@example.com").put("weight", 3))
        .add(new JsonObject().put("email", "b@example.com")));
    HttpResponse<Buffer> r = batch(id, new JsonObject().put("count", 8), "batch-1");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject answer = r.bodyAsJsonObject();
    assertThat(answer.getInteger("requested")).isEqualTo(8);
    assertThat(answer.containsKey("error")).isFalse();
    assertThat(emails(answer)).containsExactly("a@example.com", "a@example.com", "b@example.com", "a@example.com",
        "a@example.com", "a@example.com", "b@example.com", "a@example.com");
    List<Long> sequences = new ArrayList<>();
    answer.getJsonArray("picks").forEach(p -> sequences.add(((JsonObject) p).getLong("sequence")));
    assertThat(sequences).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);

    HttpResponse<Buffer> again = batch(id, new JsonObject().put("count", 8), "batch-1");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.bodyAsJsonObject()).as("the same answer, no new picks").isEqualTo(answer);
    assertThat(await(api.get("/lead-rotations/" + id + "/next-user")).bodyAsJsonObject().getLong("sequence"))
        .isEqualTo(9);
  }

  @Test
  void aBatchCutShortListsThePicksMadeAndWhyTheRestWereNot() throws Exception {
    long id = rotation(new JsonArray().add(new JsonObject().put("email", "a@example.com")
        .put("caps", new JsonObject().put("hour", 3))));
    HttpResponse<Buffer> r = batch(id, new JsonObject().put("count", 5), null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject answer = r.bodyAsJsonObject();
    assertThat(answer.getJsonArray("picks")).hasSize(3);
    assertThat(answer.getJsonObject("error").getString("code")).isEqualTo("no_eligible_member");
    HttpResponse<Buffer> none = batch(id, new JsonObject().put("count", 2), null);
    assertThat(none.statusCode()).isEqualTo(409);
    assertThat(none.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("no_eligible_member");
  }

  @Test
  void badCountsAreRefusedNamingTheField() throws Exception {
    long id = rotation(new JsonArray().add(new JsonObject().put("email", "a@example.com")));
    for (Object bad : List.of(0, 101, "three", 2.5)) {
      HttpResponse<Buffer> r = batch(id, new JsonObject().put("count", bad), null);
      assertThat(r.statusCode()).as("count " + bad + ": " + r.bodyAsString()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).as(r.bodyAsString())
          .startsWith("count");
    }
    HttpResponse<Buffer> unknown = batch(id, new JsonObject().put("cuont", 2), null);
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(await(api.get("/lead-rotations/" + id + "/next-user")).bodyAsJsonObject().getLong("sequence"))
        .as("no refused batch picked anyone").isEqualTo(1);
  }

  @Test
  void theEventBusTakesBatchesToo(Vertx vertx) throws Exception {
    long id = rotation(new JsonArray().add(new JsonObject().put("email", "a@example.com"))
        .add(new JsonObject().put("email", "b@example.com")));
    DeliveryOptions auth = new DeliveryOptions().addHeader("authorization", "Bearer " + token);
    JsonObject answer = (JsonObject) await(vertx.eventBus().request(EventBusApiVerticle.NEXT_USERS,
        new JsonObject().put("rotationId", id).put("count", 4), auth)).body();
    assertThat(emails(answer)).containsExactly("a@example.com", "b@example.com", "a@example.com", "b@example.com");
    Throwable refused = vertx.eventBus().request(EventBusApiVerticle.NEXT_USERS,
        new JsonObject().put("rotationId", id).put("count", 1000), auth).transform(Future::succeededFuture)
        .await(30, TimeUnit.SECONDS).cause();
    assertThat(refused).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) refused).failureCode()).isEqualTo(400);
    assertThat(refused.getMessage()).startsWith("count");
  }
}
