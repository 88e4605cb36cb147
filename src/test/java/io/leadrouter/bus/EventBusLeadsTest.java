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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Leads and reassignment over the event bus: the services HTTP calls, behind the bus's JWT and account checks. */
@ExtendWith(VertxExtension.class)
class EventBusLeadsTest {

  private TestApp node;
  private Vertx vertx;
  private Api api;
  private String token;
  private long rotation;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    node = TestApp.start(vertx).await(30, TimeUnit.SECONDS);
    api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
    for (String user : new String[] {"ann", "bob"}) {
      assertThat(api.post("/users", new JsonObject().put("email", user + "@example.com")
          .put("roles", new JsonArray().add("loan officer"))).await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
    }
    rotation = api.createRotation(new JsonObject().put("name", "bus leads").put("members", new JsonArray()
        .add("ann@example.com").add("bob@example.com"))).await(10, TimeUnit.SECONDS).getLong("id");
    token = TestApp.token(vertx, "crm@example.com", "2311");
  }

  @AfterEach
  void stop() throws Exception {
    api.client.close(); // an idle keep-alive connection would hold up the server's graceful stop
    node.app.stop().await(30, TimeUnit.SECONDS);
  }

  private Future<Message<JsonObject>> call(String address, String jwt, JsonObject body, String key) {
    DeliveryOptions options = new DeliveryOptions();
    if (jwt != null) {
      options.addHeader("authorization", "Bearer " + jwt);
    }
    if (key != null) {
      options.addHeader("idempotency-key", key);
    }
    return vertx.eventBus().request(address, body, options);
  }

  private JsonObject reply(Future<Message<JsonObject>> f) throws Exception {
    return f.await(10, TimeUnit.SECONDS).body();
  }

  private ReplyException failure(Future<?> f) {
    try {
      f.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the cause is checked below
    }
    assertThat(f.failed()).isTrue();
    return (ReplyException) f.cause();
  }

  private JsonObject lead(String email) {
    return new JsonObject().put("rotationId", rotation).put("lead", new JsonObject().put("email", email)
        .put("firstName", "Dana"));
  }

  @Test
  void aServiceCreatesALeadOverTheBusOncePerKey() throws Exception {
    JsonObject first = reply(call(EventBusApiVerticle.CREATE_LEAD, token, lead("dana@example.org"), "crm-1"));
    assertThat(first.getString("owner")).isEqualTo("ann@example.com");
    assertThat(first.getLong("sequence")).isEqualTo(1);
    assertThat(first.getString("created_by")).isEqualTo("crm@example.com");
    // a retry with the same key: the same lead, no second pick
    JsonObject again = reply(call(EventBusApiVerticle.CREATE_LEAD, token, lead("dana@example.org"), "crm-1"));
    assertThat(again).isEqualTo(first);
    // the same key with another lead
    assertThat(failure(call(EventBusApiVerticle.CREATE_LEAD, token, lead("eve@example.org"), "crm-1")).failureCode())
        .isEqualTo(422);
    JsonObject second = reply(call(EventBusApiVerticle.CREATE_LEAD, token, lead("eve@example.org"), null));
    assertThat(second.getString("owner")).isEqualTo("bob@example.com");
    assertThat(second.getLong("sequence")).isEqualTo(2);
    // HTTP sees the lead the bus stored
    JsonObject viaHttp = api.get("/v1/leads/" + first.getString("id")).await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    assertThat(viaHttp.getString("email")).isEqualTo("dana@example.org");
  }

  @Test
  void busLeadsAreCheckedLikeHttpAndBadOnesPickNobody() throws Exception {
    assertThat(failure(call(EventBusApiVerticle.CREATE_LEAD, null, lead("a@example.org"), null)).failureCode())
        .isEqualTo(401);
    assertThat(failure(call(EventBusApiVerticle.CREATE_LEAD, TestApp.token(vertx, "x@example.com", "9"),
        lead("a@example.org").put("accountId", "2311"), null)).failureCode()).isEqualTo(403);
    ReplyException unknown = failure(call(EventBusApiVerticle.CREATE_LEAD, token,
        new JsonObject().put("rotationId", rotation).put("lead", new JsonObject().put("weigth", 5)), null));
    assertThat(unknown.failureCode()).isEqualTo(400);
    assertThat(unknown.getMessage()).startsWith("lead.weigth: unknown field");
    assertThat(failure(call(EventBusApiVerticle.CREATE_LEAD, token, new JsonObject().put("rotationId", rotation),
        null)).failureCode()).isEqualTo(400);
    assertThat(failure(call(EventBusApiVerticle.CREATE_LEAD, TestApp.token(vertx, "x@example.com", "9"),
        lead("a@example.org"), null)).failureCode()).isEqualTo(404);
    JsonObject r = api.get("/lead-rotations/" + rotation).await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    assertThat(r.getLong("sequence")).isZero();
  }

  @Test
  void aServiceReassignsALeadOverTheBus() throws Exception {
    JsonObject created = reply(call(EventBusApiVerticle.CREATE_LEAD, token, lead("dana@example.org"), null));
    long leadId = Long.parseLong(created.getString("id"));
    JsonObject toBob = new JsonObject().put("reassign", new JsonObject().put("ApplicationId", leadId)
        .put("PrimaryAgent", new JsonObject().put("Email", "bob@example.com")).put("UnassignAllOtherUsers", true));
    assertThat(reply(call(EventBusApiVerticle.REASSIGN, token, toBob, null)))
        .isEqualTo(new JsonObject().put("Message", "Application updated successfully").put("Success", true));
    JsonObject agents = api.get("/v1/leads/" + leadId + "/assignments").await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    assertThat(agents.getJsonArray("agents").size()).isEqualTo(1);
    assertThat(agents.getJsonArray("agents").getJsonObject(0).getString("email")).isEqualTo("bob@example.com");
    assertThat(agents.getJsonArray("history").getJsonObject(1).getString("by")).isEqualTo("crm@example.com");
    // refused as over HTTP: answered, Success false, nothing changed
    JsonObject nobody = new JsonObject().put("reassign", new JsonObject().put("ApplicationId", leadId)
        .put("PrimaryAgent", new JsonObject().put("Email", "zed@example.com")));
    JsonObject refused = reply(call(EventBusApiVerticle.REASSIGN, token, nobody, null));
    assertThat(refused.getBoolean("Success")).isFalse();
    assertThat(refused.getString("Message")).isEqualTo("PrimaryAgent.Email zed@example.com: no such user in org 2311");
    assertThat(failure(call(EventBusApiVerticle.REASSIGN, null, toBob, null)).failureCode()).isEqualTo(401);
  }
}
