package io.leadrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.store.pg.PgStore;
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
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The availability fields of directory users (timeZone, workingHours, awayUntil) through HTTP, on Postgres. */
@ExtendWith(VertxExtension.class)
class UserAvailabilityApiTest {

  private static final JsonObject HOURS = new JsonObject().put("mon", new JsonArray().add(new JsonArray().add("09:00")
      .add("17:30"))).put("fri", new JsonArray().add(new JsonArray().add("22:00").add("02:00")));

  private Vertx vertx;
  private String uri;
  private PgStore store;
  private TestApp node;
  private Api api;

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    uri = TestPostgres.freshDatabaseUri();
    startNode();
  }

  private void startNode() throws Exception {
    store = await(Postgres.open(vertx, uri, 4));
    node = await(TestApp.start(vertx, store));
    api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "acct"), "acct");
  }

  private void stopNode() throws Exception {
    await(node.app.stop());
    await(store.close());
  }

  @AfterEach
  void stop() throws Exception {
    stopNode();
    TestPostgres.dropDatabase(uri);
  }

  private JsonObject ok(Future<HttpResponse<Buffer>> call, int status) throws Exception {
    HttpResponse<Buffer> r = await(call);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    return status == 204 ? null : r.bodyAsJsonObject();
  }

  private String error(Future<HttpResponse<Buffer>> call) throws Exception {
    HttpResponse<Buffer> r = await(call);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    return r.bodyAsJsonObject().getJsonObject("error").getString("message");
  }

  @Test
  void newUserIsAlwaysAvailableInUtcUnlessToldOtherwise() throws Exception {
    JsonObject plain = ok(api.post("/users", new JsonObject().put("email", "ann@example.com")), 201);
    assertThat(plain.getString("timeZone")).isEqualTo("UTC");
    assertThat(plain.containsKey("workingHours")).isTrue();
    assertThat(plain.getValue("workingHours")).isNull();
    assertThat(plain.getValue("awayUntil")).isNull();

    JsonObject set = ok(api.post("/users", new JsonObject().put("email", "bob@example.com")
        .put("timeZone", "Europe/Berlin").put("workingHours", HOURS).put("awayUntil", "2030-01-02T03:04:05+01:00")), 201);
    assertThat(set.getString("timeZone")).isEqualTo("Europe/Berlin");
    assertThat(set.getJsonObject("workingHours")).isEqualTo(HOURS);
    assertThat(set.getString("awayUntil")).isEqualTo("2030-01-02T02:04:05Z");

    JsonObject read = ok(api.get("/users/" + set.getLong("id")), 200);
    assertThat(read).isEqualTo(set);
    JsonArray page = ok(api.get("/users"), 200).getJsonArray("items");
    assertThat(page.getJsonObject(1).getJsonObject("workingHours")).isEqualTo(HOURS);
  }

  @Test
  void updateSetsKeepsAndClearsAvailability() throws Exception {
    long id = ok(api.post("/users", new JsonObject().put("email", "cy@example.com").put("timeZone", "America/New_York")
        .put("workingHours", HOURS)), 201).getLong("id");
    JsonObject away = ok(api.put("/users/" + id, new JsonObject().put("awayUntil", "2031-05-01T08:00:00Z")), 200);
    assertThat(away.getString("awayUntil")).isEqualTo("2031-05-01T08:00:00Z");
    assertThat(away.getString("timeZone")).as("absent fields stay").isEqualTo("America/New_York");
    assertThat(away.getJsonObject("workingHours")).isEqualTo(HOURS);

    JsonObject back = ok(api.put("/users/" + id, new JsonObject().putNull("awayUntil").putNull("workingHours")
        .put("timeZone", "Asia/Tokyo")), 200);
    assertThat(back.getValue("awayUntil")).isNull();
    assertThat(back.getValue("workingHours")).isNull();
    assertThat(back.getString("timeZone")).isEqualTo("Asia/Tokyo");
    assertThat(ok(api.get("/users/" + id), 200)).isEqualTo(back);
  }

  @Test
  void badAvailabilityValuesAre400NamingTheField() throws Exception {
    JsonObject user = new JsonObject().put("email", "dee@example.com");
    assertThat(error(api.post("/users", user.copy().put("timeZone", "Mars/Olympus")))).startsWith("timeZone:");
    assertThat(error(api.post("/users", user.copy().put("timeZone", "+02:00")))).startsWith("timeZone:");
    assertThat(error(api.post("/users", user.copy().put("timeZone", 3)))).startsWith("timeZone:");
    assertThat(error(api.post("/users", user.copy().put("workingHours", new JsonObject().put("mon",
        new JsonArray().add(new JsonArray().add("09:00").add("25:00"))))))).startsWith("workingHours.mon[0]");
    assertThat(error(api.post("/users", user.copy().put("workingHours", new JsonObject().put("someday",
        new JsonArray()))))).startsWith("workingHours.someday");
    assertThat(error(api.post("/users", user.copy().put("workingHours", "9 to 5")))).startsWith("workingHours:");
    assertThat(error(api.post("/users", user.copy().put("awayUntil", "next monday")))).startsWith("awayUntil:");
    assertThat(error(api.post("/users", user.copy().put("awayUntil", "2030-01-02T03:04:05")))).startsWith("awayUntil:");
    long id = ok(api.post("/users", user), 201).getLong("id");
    assertThat(error(api.put("/users/" + id, new JsonObject().put("awayUntil", 12)))).startsWith("awayUntil:");
    assertThat(ok(api.get("/users/" + id), 200).getValue("awayUntil")).as("nothing changed").isNull();
  }

  @Test
  void renamedUserShowsInRotationsAndTeamsAfterARestart() throws Exception {
    JsonObject rotation = await(api.createRotation(new JsonObject().put("name", "web").put("members", new JsonArray()
        .add(new JsonObject().put("email", "eve@example.com").put("weight", 2)))));
    long userId = Long.parseLong(rotation.getJsonArray("members").getJsonObject(0).getString("userId"));
    long team = ok(api.post("/teams", new JsonObject().put("name", "sales").put("members", new JsonArray()
        .add(new JsonObject().put("userId", userId)))), 201).getLong("id");
    ok(api.put("/users/" + userId, new JsonObject().put("email", "eve.new@example.com").put("name", "Eve New")), 200);

    stopNode();
    startNode();
    JsonObject after = ok(api.get("/lead-rotations/" + rotation.getLong("id")), 200);
    assertThat(after.getJsonArray("userRotationArray")).containsExactly("eve.new@example.com");
    assertThat(after.getJsonArray("members").getJsonObject(0).getString("name")).isEqualTo("Eve New");
    assertThat(after.getJsonArray("members").getJsonObject(0).getInteger("weight")).isEqualTo(2);
    JsonObject t = ok(api.get("/teams/" + team), 200);
    assertThat(t.getJsonArray("members").getJsonObject(0).getString("email")).isEqualTo("eve.new@example.com");
  }
}
