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
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Text Postgres cannot keep (NUL; unpaired UTF-16 surrogates, which it would store as '?') and instants it
 * cannot hold are refused at the edge with 400 naming the field, on the Postgres store, and nothing is stored.
 */
@ExtendWith(VertxExtension.class)
class StorableTextTest {

  private record Case(HttpMethod method, String path, String body, String field) {}

  private Vertx vertx;
  private String uri;
  private PgStore store;
  private TestApp node;
  private Api api;
  private long rotation;
  private String ingestToken;

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
    rotation = await(api.createRotation(new JsonObject().put("name", "web").put("members", new JsonArray()
        .add("ann@example.com").add("bob@example.com")))).getLong("id");
    ingestToken = await(api.post("/lead-rotations/" + rotation + "/tokens", new JsonObject().put("name", "form")))
        .bodyAsJsonObject().getString("token");
  }

  @AfterEach
  void stop() throws Exception {
    await(node.app.stop());
    await(store.close());
    TestPostgres.dropDatabase(uri);
  }

  private HttpResponse<Buffer> send(Case c) throws Exception {
    Api caller = c.path().startsWith("/v1/leads") && c.method() == HttpMethod.POST ? api.as(null, null) : api;
    var request = caller.request(c.method(), c.path());
    return await(c.body() == null ? request.send()
        : request.putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(c.body())));
  }

  /** Everything a caller stored, to show that refused requests stored nothing. */
  private JsonObject state() throws Exception {
    return new JsonObject()
        .put("rotations", await(api.get("/lead-rotations")).bodyAsJsonObject().getJsonArray("items"))
        .put("rotation", await(api.get("/lead-rotations/" + rotation)).bodyAsJsonObject())
        .put("teams", await(api.get("/teams")).bodyAsJsonObject().getLong("total"))
        .put("users", await(api.get("/users")).bodyAsJsonObject().getJsonArray("items"))
        .put("leads", await(api.get("/v1/leads")).bodyAsJsonObject().getLong("total"));
  }

  private void expectRefused(List<Case> cases) throws Exception {
    JsonObject before = state();
    List<String> wrong = new ArrayList<>();
    for (Case c : cases) {
      HttpResponse<Buffer> r = send(c);
      JsonObject error = r.statusCode() == 400 ? r.bodyAsJsonObject().getJsonObject("error") : null;
      if (error == null || !"invalid_input".equals(error.getString("code"))
          || !error.getString("message").startsWith(c.field() + ": ")) {
        wrong.add(c.method() + " " + c.path() + " " + c.body() + " -> " + r.statusCode() + " " + r.bodyAsString());
      }
    }
    assertThat(wrong).as("each answered 400 invalid_input naming the field").isEmpty();
    assertThat(state()).as("nothing stored").isEqualTo(before);
  }

  @Test
  void nulInAnyTextFieldIsRefusedNamingTheField() throws Exception {
    String r = "/lead-rotations/" + rotation;
    String lead = "{\"current_token\":\"" + ingestToken + "\",\"lastName\":\"Lee\",";
    expectRefused(List.of(
        new Case(HttpMethod.POST, "/lead-rotations", "{\"name\":\"a\\u0000b\"}", "name"),
        new Case(HttpMethod.POST, "/lead-rotations", "{\"name\":\"x\",\"members\":[\"a@example.com\","
            + "{\"email\":\"b@example.com\"},{\"email\":\"c\\u0000@example.com\"}]}", "members[2].email"),
        new Case(HttpMethod.PUT, r, "{\"name\":\"\\u0000\"}", "name"),
        new Case(HttpMethod.PUT, r, "{\"members\":[{\"email\":\"ann@example.com\",\"name\":\"A\\u0000\"}]}",
            "members[0].name"),
        new Case(HttpMethod.PATCH, r + "/status", "{\"status\":\"active\\u0000\"}", "status"),
        new Case(HttpMethod.POST, r + "/tokens", "{\"name\":\"form\\u0000\"}", "name"),
        new Case(HttpMethod.POST, "/teams", "{\"name\":\"t\\u0000\"}", "name"),
        new Case(HttpMethod.POST, "/teams", "{\"name\":\"t\",\"members\":[{\"email\":\"z\\u0000@example.com\"}]}",
            "members[0].email"),
        new Case(HttpMethod.POST, "/users", "{\"email\":\"u@example.com\",\"name\":\"U\\u0000\"}", "name"),
        new Case(HttpMethod.POST, "/users", "{\"email\":\"u@example.com\",\"roles\":[\"loan\\u0000officer\"]}",
            "roles[0]"),
        new Case(HttpMethod.POST, "/v1/leads", lead + "\"firstName\":\"D\\u0000\"}", "firstName"),
        new Case(HttpMethod.POST, "/v1/leads", lead + "\"description\":\"\\u0000\"}", "description"),
        new Case(HttpMethod.GET, "/lead-rotations?status=active%00", null, "status"),
        new Case(HttpMethod.GET, "/v1/leads?owner=%00", null, "owner")));
  }

  @Test
  void loneSurrogatesAreRefusedNamingTheField() throws Exception {
    String lead = "{\"current_token\":\"" + ingestToken + "\",";
    expectRefused(List.of(
        new Case(HttpMethod.POST, "/lead-rotations", "{\"name\":\"a\\ud800\"}", "name"),
        new Case(HttpMethod.POST, "/lead-rotations", "{\"name\":\"x\",\"members\":[{\"email\":\"a@example.com\","
            + "\"name\":\"\\udc00A\"}]}", "members[0].name"),
        new Case(HttpMethod.POST, "/teams", "{\"name\":\"\\ud83d\"}", "name"),
        new Case(HttpMethod.POST, "/users", "{\"email\":\"u@example.com\",\"name\":\"\\udfff\\ud800\"}", "name"),
        new Case(HttpMethod.POST, "/v1/leads", lead + "\"lastName\":\"L\\ud800ee\"}", "lastName")));
    // a proper pair (an emoji) is text like any other
    HttpResponse<Buffer> ok = send(new Case(HttpMethod.POST, "/teams", "{\"name\":\"\\ud83d\\ude00 team\"}", null));
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(201);
    assertThat(ok.bodyAsJsonObject().getString("name")).isEqualTo("\ud83d\ude00 team");
  }

  @Test
  void reassignmentWithNulIsRefusedNamingTheFieldAndChangesNothing() throws Exception {
    HttpResponse<Buffer> r = await(api.request(HttpMethod.POST, "/api/v2/pub/application/reassign?orgId=2311")
        .putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"ApplicationId\":1,\"PrimaryAgent\":{\"Email\":\"ann\\u0000@example.com\"}}")));
    // the integration answers every received request 200, refusals with Success false and the reason
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getBoolean("Success")).isFalse();
    assertThat(r.bodyAsJsonObject().getString("Message")).startsWith("PrimaryAgent.Email: ");
    HttpResponse<Buffer> users = await(api.get("/api/integration/GetUsers?orgId=23%0011"));
    assertThat(users.statusCode()).as(users.bodyAsString()).isEqualTo(400);
    assertThat(users.bodyAsJsonObject().getJsonObject("error").getString("message")).startsWith("orgId: ");
  }

  @Test
  void aTokenWhoseSubContainsNulIsUnauthorized() throws Exception {
    Api nul = api.as(TestApp.token(vertx, "ops\u0000@example.com", "2311"), "2311");
    HttpResponse<Buffer> created = await(nul.post("/lead-rotations", new JsonObject().put("name", "x")));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(401);
    assertThat(created.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("sub");
    assertThat(await(nul.get("/lead-rotations")).statusCode()).isEqualTo(401);
    // a lone surrogate can only travel as a JSON escape: UTF-8 cannot carry it
    long exp = System.currentTimeMillis() / 1000 + 600;
    Api surrogate = api.as(TestApp.signed("{\"sub\":\"ops\\ud800@example.com\",\"accounts\":[\"2311\"],\"exp\":"
        + exp + "}"), "2311");
    assertThat(await(surrogate.post("/teams", new JsonObject().put("name", "t"))).statusCode()).isEqualTo(401);
    assertThat(await(api.get("/lead-rotations")).bodyAsJsonObject().getLong("total")).isEqualTo(1);
  }

  @Test
  void aRequestIdWithNulIsRefusedBeforePicking() throws Exception {
    String request = "GET /lead-rotations/" + rotation + "/next-user HTTP/1.1\r\nHost: localhost\r\n"
        + "Authorization: Bearer " + TestApp.token(vertx, "ops@example.com", "2311") + "\r\n"
        + "x-request-id: a\u0000b\r\nConnection: close\r\n\r\n";
    String answer;
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(await(api.get("/lead-rotations/" + rotation)).bodyAsJsonObject().getLong("sequence")).isZero();
  }

  @Test
  void instantsOutsideWhatTheStoreHoldsAreRefusedNamingTheParameter() throws Exception {
    String r = "/lead-rotations/" + rotation;
    expectRefused(List.of(
        new Case(HttpMethod.GET, r + "/stats?to=-999999999-01-01T00:00:00Z", null, "to"),
        new Case(HttpMethod.GET, r + "/stats?from=%2B999999999-12-31T23:59:59Z", null, "from"),
        new Case(HttpMethod.GET, r + "/stats?from=-000001-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", null, "from"),
        new Case(HttpMethod.GET, r + "/assignments?from=-300000-01-01T00:00:00Z", null, "from"),
        new Case(HttpMethod.GET, r + "/assignments?to=%2B300000-01-01T00:00:00Z", null, "to"),
        new Case(HttpMethod.GET, "/v1/leads?from=-300000-01-01T00:00:00Z", null, "from"),
        new Case(HttpMethod.GET, "/v1/leads?to=%2B20000-01-01T00:00:00Z", null, "to")));
    HttpResponse<Buffer> edge = await(api.get(r + "/stats?from=0001-01-01T00:00:00Z&to=9999-12-31T00:00:00Z"));
    assertThat(edge.statusCode()).as(edge.bodyAsString()).isEqualTo(200);
  }
}
