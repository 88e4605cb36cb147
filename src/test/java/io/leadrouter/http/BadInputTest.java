package io.leadrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bad input is answered 400/413/415 with a message naming the field, and changes nothing. */
@ExtendWith(VertxExtension.class)
class BadInputTest {

  private TestApp node;
  private Api api;
  private long id;
  private JsonObject before;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    node = TestApp.start(vertx).await(30, TimeUnit.SECONDS);
    api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
    id = api.createRotation(new JsonObject().put("name", "r").put("members", new JsonArray()
        .add(new JsonObject().put("email", "a@example.com").put("weight", 2)).add("b@example.com")))
        .await(10, TimeUnit.SECONDS).getLong("id");
    api.get("/lead-rotations/" + id + "/next-user").await(10, TimeUnit.SECONDS);
    before = rotation();
  }

  @AfterEach
  void stop() throws Exception {
    node.app.stop().await(30, TimeUnit.SECONDS);
  }

  private JsonObject rotation() throws Exception {
    return api.get("/lead-rotations/" + id).await(10, TimeUnit.SECONDS).bodyAsJsonObject();
  }

  private long rotationCount() throws Exception {
    return api.get("/lead-rotations").await(10, TimeUnit.SECONDS).bodyAsJsonObject().getLong("total");
  }

  private void refused(HttpResponse<Buffer> r, int status, String field) throws Exception {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("message")).as("message names the field").contains(field);
    assertThat(r.bodyAsString()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(rotation()).as("nothing changed").isEqualTo(before);
    assertThat(rotationCount()).isEqualTo(1);
  }

  private HttpResponse<Buffer> raw(HttpMethod method, String path, String body) throws Exception {
    return api.request(method, path).putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body))
        .await(10, TimeUnit.SECONDS);
  }

  @Test
  void invalidJsonIsRefused() throws Exception {
    refused(raw(HttpMethod.POST, "/lead-rotations", "{\"name\": "), 400, "body");
    refused(raw(HttpMethod.PUT, "/lead-rotations/" + id, "[1,2]"), 400, "body");
    refused(raw(HttpMethod.PATCH, "/lead-rotations/" + id + "/status", "not json"), 400, "body");
  }

  @Test
  void wrongTypesNameTheField() throws Exception {
    refused(api.post("/lead-rotations", new JsonObject().put("name", 5)).await(10, TimeUnit.SECONDS), 400, "name");
    refused(api.post("/lead-rotations", new JsonObject().put("name", "x").put("teamId", "seven"))
        .await(10, TimeUnit.SECONDS), 400, "teamId");
    refused(api.post("/lead-rotations", new JsonObject().put("name", "x").put("members", "a@example.com"))
        .await(10, TimeUnit.SECONDS), 400, "members");
    refused(api.put("/lead-rotations/" + id, new JsonObject().put("members", new JsonArray()
        .add(new JsonObject().put("email", "a@example.com").put("weight", "3")))).await(10, TimeUnit.SECONDS),
        400, "members[0].weight");
    refused(api.put("/lead-rotations/" + id, new JsonObject().put("members", new JsonArray()
        .add(new JsonObject().put("email", "a@example.com").put("weight", 2.5)))).await(10, TimeUnit.SECONDS),
        400, "members[0].weight");
    refused(api.put("/lead-rotations/" + id, new JsonObject().put("members", new JsonArray().add(42)))
        .await(10, TimeUnit.SECONDS), 400, "members[0]");
    refused(api.put("/lead-rotations/" + id, new JsonObject().put("members", new JsonArray()
        .add("not-an-email"))).await(10, TimeUnit.SECONDS), 400, "members[0]");
    refused(api.get("/lead-rotations/abc").await(10, TimeUnit.SECONDS), 400, "rotationId");
    refused(api.get("/lead-rotations?limit=0").await(10, TimeUnit.SECONDS), 400, "limit");
    refused(api.get("/lead-rotations?status=paused").await(10, TimeUnit.SECONDS), 400, "status");
  }

  @Test
  void unknownOrMissingStatusIsRefused() throws Exception {
    refused(api.patch("/lead-rotations/" + id + "/status", new JsonObject().put("status", "paused"))
        .await(10, TimeUnit.SECONDS), 400, "status");
    refused(api.patch("/lead-rotations/" + id + "/status", new JsonObject()).await(10, TimeUnit.SECONDS), 400, "status");
    refused(api.patch("/lead-rotations/" + id + "/status", new JsonObject().put("status", 1))
        .await(10, TimeUnit.SECONDS), 400, "status");
  }

  @Test
  void weightsOutsideOneToTenAreRefused() throws Exception {
    for (int w : new int[] {0, 11, -1}) {
      refused(api.put("/lead-rotations/" + id, new JsonObject().put("members", new JsonArray()
          .add(new JsonObject().put("email", "a@example.com").put("weight", w)))).await(10, TimeUnit.SECONDS),
          400, "members[0].weight");
    }
    refused(api.post("/lead-rotations", new JsonObject().put("name", "x").put("members", new JsonArray()
        .add(new JsonObject().put("email", "z@example.com").put("weight", 100)))).await(10, TimeUnit.SECONDS),
        400, "weight");
  }

  @Test
  void duplicateMemberEmailsAreRefused() throws Exception {
    refused(api.put("/lead-rotations/" + id, new JsonObject().put("members", new JsonArray()
        .add("a@example.com").add(new JsonObject().put("email", "A@example.com").put("weight", 2))))
        .await(10, TimeUnit.SECONDS), 400, "members[1].email");
  }

  @Test
  void namesOverTwoHundredCharactersAreRefused() throws Exception {
    String longName = "n".repeat(201);
    refused(api.post("/lead-rotations", new JsonObject().put("name", longName)).await(10, TimeUnit.SECONDS), 400, "name");
    refused(api.put("/lead-rotations/" + id, new JsonObject().put("name", longName)).await(10, TimeUnit.SECONDS),
        400, "name");
    refused(api.post("/lead-rotations", new JsonObject().put("name", "  ")).await(10, TimeUnit.SECONDS), 400, "name");
  }

  @Test
  void bodiesOverOneMebibyteAreTooLarge() throws Exception {
    String big = "{\"name\": \"" + "x".repeat(1024 * 1024 + 10) + "\"}";
    HttpResponse<Buffer> r = raw(HttpMethod.POST, "/lead-rotations", big);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("payload_too_large");
    assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("body");
    assertThat(rotationCount()).isEqualTo(1);
  }

  @Test
  void nonJsonContentTypeIsUnsupported() throws Exception {
    HttpResponse<Buffer> r = api.request(HttpMethod.POST, "/lead-rotations").putHeader("content-type", "text/plain")
        .sendBuffer(Buffer.buffer("{\"name\":\"x\"}")).await(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(rotationCount()).isEqualTo(1);
  }

  @Test
  void unknownTeamOrUserIsRefusedNotCreated() throws Exception {
    refused(api.post("/lead-rotations", new JsonObject().put("name", "x").put("teamId", 9999))
        .await(10, TimeUnit.SECONDS), 400, "teamId");
    refused(api.put("/lead-rotations/" + id, new JsonObject().put("members", new JsonArray()
        .add(new JsonObject().put("userId", 987654))))
        .await(10, TimeUnit.SECONDS), 400, "members[0].userId");
  }

  @Test
  void unknownRoutesAndMethodsAnswerJson() throws Exception {
    HttpResponse<Buffer> r = api.get("/nowhere").await(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("not_found");
    HttpResponse<Buffer> m = api.request(HttpMethod.PATCH, "/lead-rotations/" + id + "/next-user").send()
        .await(10, TimeUnit.SECONDS);
    assertThat(m.statusCode()).isIn(404, 405);
    assertThat(m.bodyAsJsonObject().getJsonObject("error")).isNotNull();
  }

  private JsonObject member(String email, int weight) {
    return new JsonObject().put("email", email).put("weight", weight);
  }

  @Test
  void unknownOrMisspelledFieldsAreRefusedNotIgnored() throws Exception {
    // {"email":"a@x.com","weigth":5} used to be taken as weight 1
    refused(api.post("/lead-rotations", new JsonObject().put("name", "x").put("members", new JsonArray()
        .add(new JsonObject().put("email", "z@example.com").put("weigth", 5)))).await(10, TimeUnit.SECONDS),
        400, "members[0].weigth: unknown field");
    refused(api.put("/lead-rotations/" + id, new JsonObject().put("userRotationArray", new JsonArray()
        .add(member("a@example.com", 2)).add(member("b@example.com", 1).put("wieght", 3))))
        .await(10, TimeUnit.SECONDS), 400, "userRotationArray[1].wieght: unknown field");
    refused(api.post("/lead-rotations", new JsonObject().put("name", "x").put("member", new JsonArray()
        .add("z@example.com"))).await(10, TimeUnit.SECONDS), 400, "member: unknown field");
    refused(api.put("/lead-rotations/" + id, new JsonObject().put("nmae", "y")).await(10, TimeUnit.SECONDS),
        400, "nmae: unknown field");
    refused(api.patch("/lead-rotations/" + id + "/status", new JsonObject().put("status", "archived")
        .put("reason", "x")).await(10, TimeUnit.SECONDS), 400, "reason: unknown field");
    refused(api.post("/lead-rotations/" + id + "/tokens", new JsonObject().put("name", "t").put("rotationId", id))
        .await(10, TimeUnit.SECONDS), 400, "rotationId: unknown field");
    assertThat(api.get("/lead-rotations/" + id + "/tokens").await(10, TimeUnit.SECONDS).bodyAsJsonObject()
        .getJsonArray("items")).isEmpty();
    // the directory: teams (and their members, which have no weight) and users
    refused(api.post("/teams", new JsonObject().put("name", "t").put("members", new JsonArray()
        .add(member("a@example.com", 2)))).await(10, TimeUnit.SECONDS), 400, "members[0].weight: unknown field");
    refused(api.post("/teams", new JsonObject().put("name", "t").put("actve", false)).await(10, TimeUnit.SECONDS),
        400, "actve: unknown field");
    refused(api.post("/users", new JsonObject().put("email", "u@example.com").put("role", "closer"))
        .await(10, TimeUnit.SECONDS), 400, "role: unknown field");
    long team = api.post("/teams", new JsonObject().put("name", "t")).await(10, TimeUnit.SECONDS)
        .bodyAsJsonObject().getLong("id");
    refused(api.put("/teams/" + team, new JsonObject().put("members", new JsonArray()
        .add(new JsonObject().put("email", "a@example.com").put("mail", "b@example.com"))))
        .await(10, TimeUnit.SECONDS), 400, "members[0].mail: unknown field");
    assertThat(api.get("/teams/" + team).await(10, TimeUnit.SECONDS).bodyAsJsonObject().getJsonArray("members"))
        .isEmpty();
    JsonObject users = api.get("/users").await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    assertThat(users.getLong("total")).as("no user created: %s", users).isEqualTo(2);
    long a = users.getJsonArray("items").getJsonObject(0).getLong("id");
    refused(api.put("/users/" + a, new JsonObject().put("nme", "A")).await(10, TimeUnit.SECONDS), 400,
        "nme: unknown field");
  }

  @Test
  void theErrorIsInvalidInputNamingThePath() throws Exception {
    HttpResponse<Buffer> r = api.post("/lead-rotations", new JsonObject().put("name", "x").put("members",
        new JsonArray().add(new JsonObject().put("email", "z@example.com").put("weigth", 5))))
        .await(10, TimeUnit.SECONDS);
    assertThat(r.bodyAsJsonObject()).isEqualTo(new JsonObject().put("error", new JsonObject()
        .put("code", "invalid_input").put("message", "members[0].weigth: unknown field").put("field", "members[0].weigth")));
  }

  @Test
  void aMemberWhoseUserIdAndEmailNameDifferentUsersIsRefused() throws Exception {
    JsonArray members = rotation().getJsonArray("members");
    long a = Long.parseLong(members.getJsonObject(0).getString("userId"));
    // b@example.com is another directory user; nobody@example.com is nobody: both contradict the id
    for (String email : new String[] {"b@example.com", "nobody@example.com"}) {
      refused(api.put("/lead-rotations/" + id, new JsonObject().put("members", new JsonArray()
          .add(new JsonObject().put("userId", a).put("email", email))))
          .await(10, TimeUnit.SECONDS), 400, "members[0]: userId " + a + " is a@example.com, not " + email);
      refused(api.post("/teams", new JsonObject().put("name", "t").put("members", new JsonArray()
          .add("b@example.com").add(new JsonObject().put("userId", a).put("email", email))))
          .await(10, TimeUnit.SECONDS), 400, "members[1]");
    }
    assertThat(api.get("/teams").await(10, TimeUnit.SECONDS).bodyAsJsonObject().getLong("total")).isZero();
    // a refused request adds no directory user for the other members' new emails
    refused(api.put("/lead-rotations/" + id, new JsonObject().put("members", new JsonArray().add("new@example.com")
        .add(new JsonObject().put("userId", a).put("email", "b@example.com")))).await(10, TimeUnit.SECONDS),
        400, "members[1]: userId " + a);
    refused(api.put("/lead-rotations/" + id, new JsonObject().put("members", new JsonArray().add("new@example.com")
        .add(new JsonObject().put("userId", 987654)))).await(10, TimeUnit.SECONDS), 400, "members[1].userId");
    assertThat(api.get("/users").await(10, TimeUnit.SECONDS).bodyAsJsonObject().getLong("total")).isEqualTo(2);
    // both naming the same user (any case) is fine
    HttpResponse<Buffer> same = api.put("/lead-rotations/" + id, new JsonObject().put("members", new JsonArray()
        .add(new JsonObject().put("userId", a).put("email", "A@example.com").put("weight", 4))))
        .await(10, TimeUnit.SECONDS);
    assertThat(same.statusCode()).as(same.bodyAsString()).isEqualTo(200);
    assertThat(same.bodyAsJsonObject().getJsonArray("members").getJsonObject(0).getInteger("weight")).isEqualTo(4);
  }

  @Test
  void anIdempotencyKeyOnGetNextUserIsRefused() throws Exception {
    HttpResponse<Buffer> r = api.request(HttpMethod.GET, "/lead-rotations/" + id + "/next-user")
        .putHeader("Idempotency-Key", "k-1").send().await(10, TimeUnit.SECONDS);
    refused(r, 400, "Idempotency-Key");
    assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("use POST");
  }
}
