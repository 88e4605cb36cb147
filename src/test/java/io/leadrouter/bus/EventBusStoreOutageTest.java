package io.leadrouter.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.store.pg.PgStore;
import io.leadrouter.store.pg.Postgres;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.TcpProxy;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A store outage during an event-bus request answers 503, as over HTTP, not 500. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventBusStoreOutageTest {

  private String pgUri;
  private TcpProxy proxy;
  private PgStore store;
  private TestApp node;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.restore(); // the node's stop gives its reserved sequences back to the store
    }
    if (node != null) {
      node.app.stop().await(30, TimeUnit.SECONDS);
    }
    if (store != null) {
      store.close().await(10, TimeUnit.SECONDS);
    }
    if (proxy != null) {
      proxy.close();
    }
    if (pgUri != null) {
      TestPostgres.dropDatabase(pgUri);
    }
  }

  @Test
  void getRotationAnswers503WhenTheStoreIsUnreachable(Vertx vertx) throws Exception {
    pgUri = TestPostgres.freshDatabaseUri();
    proxy = TcpProxy.forPostgres(vertx, pgUri).await(10, TimeUnit.SECONDS);
    store = Postgres.open(vertx, proxy.via(pgUri), 2).await(60, TimeUnit.SECONDS);
    node = TestApp.start(vertx, store).await(30, TimeUnit.SECONDS);
    Api api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
    long team = api.post("/teams", new JsonObject().put("name", "inbound")).await(10, TimeUnit.SECONDS)
        .bodyAsJsonObject().getLong("id");
    long id = api.createRotation(new JsonObject().put("name", "bus").put("teamId", team)
        .put("members", new JsonArray().add("a@example.com"))).await(10, TimeUnit.SECONDS).getLong("id");
    String token = TestApp.token(vertx, "svc@example.com", "2311");
    JsonObject body = new JsonObject().put("rotationId", id).put("accountId", "2311");
    // the rotation is in its owner's memory now; only the team still comes from the store
    assertThat(getRotation(token, body).await(10, TimeUnit.SECONDS).getJsonObject("team").getLong("id"))
        .isEqualTo(team);

    proxy.cut();

    Future<JsonObject> during = getRotation(token, body);
    try {
      during.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // checked below
    }
    assertThat(during.failed()).as("get-rotation with the store cut off").isTrue();
    ReplyException failure = (ReplyException) during.cause();
    assertThat(failure.failureCode()).as(failure.getMessage()).isEqualTo(503);
    assertThat(failure.getMessage()).contains("postgres unavailable");
  }

  private Future<JsonObject> getRotation(String token, JsonObject body) {
    return node.vertx.eventBus().<JsonObject>request(EventBusApiVerticle.GET_ROTATION, body,
        new DeliveryOptions().addHeader("authorization", "Bearer " + token)).map(m -> m.body());
  }
}
