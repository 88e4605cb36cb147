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
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class EventBusApiTest {

  private TestApp node;
  private Vertx vertx;
  private long id;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    node = TestApp.start(vertx).await(30, TimeUnit.SECONDS);
    Api api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
    id = api.createRotation(new JsonObject().put("name", "bus").put("members", new JsonArray()
        .add(new JsonObject().put("email", "a@example.com").put("weight", 2)).add("b@example.com")))
        .await(10, TimeUnit.SECONDS).getLong("id");
  }

  @AfterEach
  void stop() throws Exception {
    node.app.stop().await(30, TimeUnit.SECONDS);
  }

  private Future<Message<JsonObject>> call(String address, String token, JsonObject body) {
    DeliveryOptions options = new DeliveryOptions();
    if (token != null) {
      options.addHeader("authorization", "Bearer " + token);
    }
    return vertx.eventBus().request(address, body, options);
  }

  private int failureCode(Future<?> f) {
    try {
      f.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // fall through to the cause check below
    }
    assertThat(f.failed()).isTrue();
    return ((ReplyException) f.cause()).failureCode();
  }

  @Test
  void servicesPickOverTheEventBusInScheduleOrder() throws Exception {
    String token = TestApp.token(vertx, "svc@example.com", "2311");
    List<String> users = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      JsonObject reply = call(EventBusApiVerticle.NEXT_USER, token,
          new JsonObject().put("rotationId", id).put("accountId", "2311")).await(10, TimeUnit.SECONDS).body();
      assertThat(reply.getLong("sequence")).isEqualTo(i + 1);
      users.add(reply.getString("currentUser"));
    }
    assertThat(users).containsExactly("a@example.com", "b@example.com", "a@example.com",
        "a@example.com", "b@example.com", "a@example.com");
    JsonObject rotation = call(EventBusApiVerticle.GET_ROTATION, token, new JsonObject().put("rotationId", id))
        .await(10, TimeUnit.SECONDS).body();
    assertThat(rotation.getLong("sequence")).isEqualTo(6);
    assertThat(rotation.getJsonArray("userRotationArray")).containsExactly("a@example.com", "b@example.com");
  }

  @Test
  void theEventBusChecksTokensAndAccountsLikeHttp() throws Exception {
    JsonObject body = new JsonObject().put("rotationId", id).put("accountId", "2311");
    assertThat(failureCode(call(EventBusApiVerticle.NEXT_USER, null, body))).isEqualTo(401);
    assertThat(failureCode(call(EventBusApiVerticle.NEXT_USER, "garbage", body))).isEqualTo(401);
    assertThat(failureCode(call(EventBusApiVerticle.NEXT_USER, TestApp.token(vertx, "x@example.com", "9"), body)))
        .isEqualTo(403);
    String other = TestApp.token(vertx, "x@example.com", "9");
    assertThat(failureCode(call(EventBusApiVerticle.NEXT_USER, other,
        new JsonObject().put("rotationId", id).put("accountId", "9")))).isEqualTo(404);
    String token = TestApp.token(vertx, "svc@example.com", "2311");
    assertThat(failureCode(call(EventBusApiVerticle.NEXT_USER, token, new JsonObject().put("rotationId", "x"))))
        .isEqualTo(400);
    assertThat(failureCode(call(EventBusApiVerticle.NEXT_USER, token,
        new JsonObject().put("rotationId", 987654)))).isEqualTo(404);
    // text Postgres cannot store is refused before anything is picked
    DeliveryOptions nul = new DeliveryOptions().addHeader("authorization", "Bearer " + token)
        .addHeader("x-request-id", "req\u0000id");
    assertThat(failureCode(vertx.eventBus().request(EventBusApiVerticle.NEXT_USER,
        new JsonObject().put("rotationId", id), nul))).isEqualTo(400);
    assertThat(failureCode(call(EventBusApiVerticle.NEXT_USER, token,
        new JsonObject().put("rotationId", id).put("accountId", "23\ud80011")))).isEqualTo(400);
    // nothing was picked by the refused calls
    JsonObject rotation = call(EventBusApiVerticle.GET_ROTATION, token, new JsonObject().put("rotationId", id))
        .await(10, TimeUnit.SECONDS).body();
    assertThat(rotation.getLong("sequence")).isZero();
  }

  @Test
  void archivedRotationsRefusePicksOverTheBusToo() throws Exception {
    Api api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
    api.patch("/lead-rotations/" + id + "/status", new JsonObject().put("status", "archived"))
        .await(10, TimeUnit.SECONDS);
    assertThat(failureCode(call(EventBusApiVerticle.NEXT_USER, TestApp.token(vertx, "s@example.com", "2311"),
        new JsonObject().put("rotationId", id)))).isEqualTo(409);
  }
}
