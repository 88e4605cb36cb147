package io.leadrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every route: 401 without a valid token, 403 for an account the token lacks, 404 for another account's data. */
@ExtendWith(VertxExtension.class)
class AuthMatrixTest {

  private record Route(HttpMethod method, String path, JsonObject body, boolean byId) {}

  private TestApp node;
  private Api owner;
  private Vertx vertx;
  private List<Route> routes;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    node = TestApp.start(vertx).await(30, TimeUnit.SECONDS);
    owner = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
    long rotation = owner.createRotation(new JsonObject().put("name", "r")
        .put("members", new JsonArray().add("a@example.com"))).await(10, TimeUnit.SECONDS).getLong("id");
    long team = owner.post("/teams", new JsonObject().put("name", "t")).await(10, TimeUnit.SECONDS)
        .bodyAsJsonObject().getLong("id");
    long user = owner.post("/users", new JsonObject().put("email", "u@example.com")).await(10, TimeUnit.SECONDS)
        .bodyAsJsonObject().getLong("id");
    JsonObject name = new JsonObject().put("name", "x");
    routes = List.of(
        new Route(HttpMethod.POST, "/lead-rotations", name, false),
        new Route(HttpMethod.GET, "/lead-rotations", null, false),
        new Route(HttpMethod.GET, "/lead-rotations/" + rotation, null, true),
        new Route(HttpMethod.PUT, "/lead-rotations/" + rotation, name, true),
        new Route(HttpMethod.PATCH, "/lead-rotations/" + rotation + "/status", new JsonObject().put("status", "queued"), true),
        new Route(HttpMethod.GET, "/lead-rotations/" + rotation + "/next-user", null, true),
        new Route(HttpMethod.DELETE, "/lead-rotations/" + rotation, null, true),
        new Route(HttpMethod.POST, "/teams", name, false),
        new Route(HttpMethod.GET, "/teams", null, false),
        new Route(HttpMethod.GET, "/teams/" + team, null, true),
        new Route(HttpMethod.PUT, "/teams/" + team, name, true),
        new Route(HttpMethod.DELETE, "/teams/" + team, null, true),
        new Route(HttpMethod.POST, "/users", new JsonObject().put("email", "v@example.com"), false),
        new Route(HttpMethod.GET, "/users", null, false),
        new Route(HttpMethod.GET, "/users/" + user, null, true),
        new Route(HttpMethod.PUT, "/users/" + user, name, true),
        new Route(HttpMethod.DELETE, "/users/" + user, null, true));
  }

  @AfterEach
  void stop() throws Exception {
    node.app.stop().await(30, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> call(Api api, Route r) throws Exception {
    var req = api.request(r.method(), r.path());
    return (r.body() == null ? req.send() : req.sendJsonObject(r.body())).await(10, TimeUnit.SECONDS);
  }

  private void expect(Api api, int status, String code, String why) throws Exception {
    List<String> wrong = new ArrayList<>();
    for (Route r : routes) {
      HttpResponse<Buffer> res = call(api, r);
      if (res.statusCode() != status
          || !code.equals(res.bodyAsJsonObject().getJsonObject("error").getString("code"))) {
        wrong.add(r.method() + " " + r.path() + " -> " + res.statusCode() + " " + res.bodyAsString());
      }
    }
    assertThat(wrong).as(why).isEmpty();
  }

  @Test
  void missingOrBadTokensAreUnauthorizedOnEveryRoute() throws Exception {
    expect(owner.as(null, "2311"), 401, "unauthorized", "no token");
    expect(owner.as("not-a-jwt", "2311"), 401, "unauthorized", "malformed token");
    String otherSecret = TestApp.token(vertx, "another-secret-another-secret-another-secret!!",
        TestApp.claims("ops@example.com", "2311"), new JWTOptions().setExpiresInSeconds(600));
    expect(owner.as(otherSecret, "2311"), 401, "unauthorized", "badly signed token");
    String expired = TestApp.token(vertx, TestApp.SECRET, TestApp.claims("ops@example.com", "2311")
        .put("exp", System.currentTimeMillis() / 1000 - 120), new JWTOptions());
    expect(owner.as(expired, "2311"), 401, "unauthorized", "expired token");
    String noSub = TestApp.token(vertx, TestApp.SECRET, new JsonObject().put("accounts", new JsonArray().add("2311")),
        new JWTOptions().setExpiresInSeconds(600));
    expect(owner.as(noSub, "2311"), 401, "unauthorized", "token without sub");
  }

  @Test
  void timeClaimsOfTheWrongTypeOrAbsurdValueAreUnauthorizedOnEveryRoute() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    String claims = "\"sub\":\"ops@example.com\",\"accounts\":[\"2311\"]";
    // signed correctly, so only the claims themselves are wrong
    String good = TestApp.signed("{" + claims + ",\"exp\":" + (now + 600) + "}");
    assertThat(call(owner.as(good, "2311"), routes.get(1)).statusCode()).isEqualTo(200);
    for (String bad : List.of(
        "\"exp\":\"" + (now + 600) + "\"",
        "\"exp\":{\"at\":" + (now + 600) + "}",
        "\"exp\":[" + (now + 600) + "]",
        "\"exp\":1e300",
        "\"exp\":" + (now + 600) + ".5",
        "\"exp\":99999999999999999999999",
        "\"exp\":" + (now + 20L * 366 * 86_400),
        "\"exp\":null",
        "\"exp\":" + (now + 600) + ",\"iat\":\"yesterday\"",
        "\"exp\":" + (now + 600) + ",\"iat\":{}",
        "\"exp\":" + (now + 600) + ",\"nbf\":\"" + now + "\"",
        "\"exp\":" + (now + 600) + ",\"nbf\":{\"n\":1}",
        "\"exp\":" + (now + 600) + ",\"nbf\":-5")) {
      expect(owner.as(TestApp.signed("{" + claims + "," + bad + "}"), "2311"), 401, "unauthorized", bad);
    }
  }

  @Test
  void aTokenStopsWorkingWhenItExpiresEvenAfterUse() throws Exception {
    long exp = System.currentTimeMillis() / 1000 + 2;
    String shortLived = TestApp.token(vertx, TestApp.SECRET, TestApp.claims("ops@example.com", "2311").put("exp", exp),
        new JWTOptions());
    Api api = owner.as(shortLived, "2311");
    assertThat(api.get("/lead-rotations").await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    while (System.currentTimeMillis() <= exp * 1000 + 50) {
      Thread.sleep(100);
    }
    assertThat(api.get("/lead-rotations").await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(401);
  }

  @Test
  void basicAuthIsNotABearerToken() throws Exception {
    HttpResponse<Buffer> r = owner.client.get(node.port(), "localhost", "/lead-rotations")
        .putHeader("authorization", "Basic dXNlcjpwYXNz").putHeader("x-account-id", "2311").send()
        .await(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void anAccountTheTokenDoesNotGrantIsForbiddenOnEveryRoute() throws Exception {
    expect(owner.as(TestApp.token(vertx, "ops@example.com", "9999"), "2311"), 403, "forbidden", "other account");
  }

  @Test
  void ambiguousAccountNeedsTheHeader() throws Exception {
    expect(owner.as(TestApp.token(vertx, "ops@example.com", "2311", "9999"), null), 400, "invalid_input",
        "two accounts, no header");
    expect(owner.as(TestApp.token(vertx, "ops@example.com", "*"), null), 400, "invalid_input",
        "all accounts, no header");
  }

  @Test
  void theOnlyAccountOfATokenIsUsedWithoutTheHeader() throws Exception {
    HttpResponse<Buffer> r = owner.as(TestApp.token(vertx, "ops@example.com", "2311"), null)
        .get("/lead-rotations").await(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getLong("total")).isEqualTo(1);
  }

  @Test
  void anotherAccountsRotationsTeamsAndUsersAreNotFound() throws Exception {
    Api stranger = owner.as(TestApp.token(vertx, "eve@example.com", "7777"), "7777");
    List<String> wrong = new ArrayList<>();
    for (Route r : routes) {
      if (!r.byId()) {
        continue;
      }
      HttpResponse<Buffer> res = call(stranger, r);
      if (res.statusCode() != 404) {
        wrong.add(r.method() + " " + r.path() + " -> " + res.statusCode() + " " + res.bodyAsString());
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(stranger.get("/lead-rotations").await(10, TimeUnit.SECONDS).bodyAsJsonObject().getLong("total"))
        .isZero();
    assertThat(stranger.get("/users").await(10, TimeUnit.SECONDS).bodyAsJsonObject().getLong("total")).isZero();
    assertThat(stranger.get("/teams").await(10, TimeUnit.SECONDS).bodyAsJsonObject().getLong("total")).isZero();
    // and nothing of the owner's changed
    JsonObject rotation = owner.get(routes.get(2).path()).await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    assertThat(rotation.getString("name")).isEqualTo("r");
    assertThat(rotation.getLong("sequence")).isZero();
  }

  @Test
  void aWildcardTokenReachesEveryAccount() throws Exception {
    Api admin = owner.as(TestApp.token(vertx, "admin@example.com", "*"), "2311");
    assertThat(admin.get(routes.get(2).path()).await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }
}
