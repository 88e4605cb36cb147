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
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The API's edges as a new user meets them: routes and methods, HEAD, instants, ingest tokens. Real Postgres. */
@ExtendWith(VertxExtension.class)
class EdgeBehaviourTest {

  private static final Pattern MICROS = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,6})?Z");

  private String uri;
  private PgStore store;
  private TestApp node;
  private Api api;

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    uri = TestPostgres.freshDatabaseUri();
    store = await(Postgres.open(vertx, uri, 4));
    node = await(TestApp.start(vertx, store));
    api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
  }

  @AfterEach
  void stop() throws Exception {
    await(node.app.stop());
    await(store.close());
    TestPostgres.dropDatabase(uri);
  }

  private HttpResponse<Buffer> call(Api as, HttpMethod method, String path) throws Exception {
    return await(as.request(method, path).send());
  }

  private long rotation() throws Exception {
    return await(api.createRotation(new JsonObject().put("name", "r").put("members", new JsonArray()
        .add("a@example.com").add("b@example.com")))).getLong("id");
  }

  private static void assertError(HttpResponse<Buffer> r, int status, String code) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("content-type")).isEqualTo("application/json");
    assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo(code);
  }

  @Test
  void anUnknownPathIs404AndAKnownPathWithAnotherMethodIs405WithAllow() throws Exception {
    long id = rotation();
    Api anonymous = api.as(null, null);

    HttpResponse<Buffer> live = call(anonymous, HttpMethod.DELETE, "/health/live");
    assertError(live, 405, "method_not_allowed");
    assertThat(live.getHeader("allow")).isEqualTo("GET, HEAD");
    HttpResponse<Buffer> ready = call(anonymous, HttpMethod.POST, "/health/ready");
    assertError(ready, 405, "method_not_allowed");
    assertThat(ready.getHeader("allow")).isEqualTo("GET, HEAD");

    HttpResponse<Buffer> nextUser = call(api, HttpMethod.PUT, "/lead-rotations/" + id + "/next-user");
    assertError(nextUser, 405, "method_not_allowed");
    assertThat(nextUser.getHeader("allow")).isEqualTo("GET, POST");
    HttpResponse<Buffer> one = call(api, HttpMethod.POST, "/lead-rotations/" + id);
    assertError(one, 405, "method_not_allowed");
    assertThat(one.getHeader("allow")).isEqualTo("DELETE, GET, HEAD, PUT");
    assertThat(call(api, HttpMethod.DELETE, "/lead-rotations").getHeader("allow")).isEqualTo("GET, HEAD, POST");

    assertError(call(anonymous, HttpMethod.GET, "/nowhere"), 404, "not_found");
    assertError(call(anonymous, HttpMethod.DELETE, "/nowhere"), 404, "not_found");
    assertError(call(anonymous, HttpMethod.DELETE, "/health/live/deeper"), 404, "not_found");
    assertError(call(api, HttpMethod.GET, "/lead-rotations/" + id + "/nothing-here"), 404, "not_found");
  }

  @Test
  void headAnswersWhereGetDoesWithoutABody() throws Exception {
    long id = rotation();
    Api anonymous = api.as(null, null);
    for (String path : List.of("/health/live", "/health/ready", "/openapi.json", "/metrics")) {
      HttpResponse<Buffer> head = call(anonymous, HttpMethod.HEAD, path);
      assertThat(head.statusCode()).as("HEAD " + path).isEqualTo(200);
      assertThat(head.body() == null || head.body().length() == 0).as("HEAD " + path + " has no body").isTrue();
    }
    for (String path : List.of("/lead-rotations", "/lead-rotations/" + id, "/users", "/teams", "/v1/leads")) {
      HttpResponse<Buffer> get = call(api, HttpMethod.GET, path);
      HttpResponse<Buffer> head = call(api, HttpMethod.HEAD, path);
      assertThat(head.statusCode()).as("HEAD " + path).isEqualTo(get.statusCode()).isEqualTo(200);
      assertThat(head.getHeader("content-type")).isEqualTo("application/json");
      assertThat(head.body() == null || head.body().length() == 0).as("HEAD " + path + " has no body").isTrue();
    }
    assertThat(call(api, HttpMethod.HEAD, "/lead-rotations/987654").statusCode()).isEqualTo(404);
    // a pick is not safe: HEAD on next-user is refused and picks nothing
    HttpResponse<Buffer> headPick = call(api, HttpMethod.HEAD, "/lead-rotations/" + id + "/next-user");
    assertThat(headPick.statusCode()).isEqualTo(405);
    assertThat(headPick.getHeader("allow")).isEqualTo("GET, POST");
    assertThat(call(api, HttpMethod.GET, "/lead-rotations/" + id).bodyAsJsonObject().getLong("sequence")).isZero();
    assertThat(call(anonymous, HttpMethod.HEAD, "/lead-rotations/" + id).statusCode()).isEqualTo(401);
  }

  @Test
  void instantsKeepMicrosecondsWhereverTheyAreRead() throws Exception {
    long id = rotation();
    // an update and a pick are decided in the owner's memory; the list reads the store
    JsonObject updated = await(api.put("/lead-rotations/" + id, new JsonObject().put("name", "renamed")))
        .bodyAsJsonObject();
    JsonObject got = await(api.get("/lead-rotations/" + id)).bodyAsJsonObject();
    JsonObject picked = await(api.get("/lead-rotations/" + id + "/next-user")).bodyAsJsonObject();
    String secret = await(api.post("/lead-rotations/" + id + "/tokens", new JsonObject().put("name", "form")))
        .bodyAsJsonObject().getString("token");
    JsonObject lead = await(api.as(null, null).post("/v1/leads", new JsonObject().put("current_token", secret)))
        .bodyAsJsonObject();
    JsonObject listed = await(api.get("/lead-rotations")).bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    JsonObject leadRead = await(api.get("/v1/leads/" + lead.getString("id"))).bodyAsJsonObject();

    List<String> instants = new ArrayList<>();
    for (JsonObject o : List.of(updated, got, picked.getJsonObject("rotation"), listed)) {
      instants.add(o.getString("createdAt"));
      instants.add(o.getString("updatedAt"));
    }
    instants.add(lead.getString("created_at"));
    instants.add(leadRead.getString("created_at"));
    assertThat(instants).allSatisfy(at -> assertThat(at).matches(MICROS));
    assertThat(got.getString("updatedAt")).isEqualTo(updated.getString("updatedAt"))
        .isEqualTo(listed.getString("updatedAt"));
    assertThat(leadRead.getString("created_at")).isEqualTo(lead.getString("created_at"));
  }

  @Test
  void aLeadWithTheTokenOfADeletedRotationIsUnauthorized() throws Exception {
    long id = rotation();
    String secret = await(api.post("/lead-rotations/" + id + "/tokens", new JsonObject().put("name", "form")))
        .bodyAsJsonObject().getString("token");
    assertThat(await(api.delete("/lead-rotations/" + id)).statusCode()).isEqualTo(204);

    HttpResponse<Buffer> r = await(api.as(null, null).post("/v1/leads", new JsonObject().put("current_token", secret)
        .put("firstName", "Dana")));
    assertError(r, 401, "unauthorized");
    HttpResponse<Buffer> keyed = await(api.as(null, null).request(HttpMethod.POST, "/v1/leads")
        .putHeader("idempotency-key", "late-1").sendJsonObject(new JsonObject().put("current_token", secret)));
    assertError(keyed, 401, "unauthorized");
  }
}
