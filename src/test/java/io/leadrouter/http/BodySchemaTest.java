package io.leadrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.edge.Contract;
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

/**
 * Every route that takes a body checks it against its schema in the served document before its handler runs:
 * an unknown field and a wrong type are refused naming the field, and nothing changes.
 */
@ExtendWith(VertxExtension.class)
class BodySchemaTest {

  private TestApp node;
  private Api api;
  private long rotation;
  private long team;
  private long user;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    node = TestApp.start(vertx).await(30, TimeUnit.SECONDS);
    api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
    rotation = api.createRotation(new JsonObject().put("name", "r").put("members", new JsonArray().add("a@example.com")))
        .await(10, TimeUnit.SECONDS).getLong("id");
    team = api.post("/teams", new JsonObject().put("name", "t")).await(10, TimeUnit.SECONDS).bodyAsJsonObject()
        .getLong("id");
    user = api.post("/users", new JsonObject().put("email", "u@example.com")).await(10, TimeUnit.SECONDS)
        .bodyAsJsonObject().getLong("id");
  }

  @AfterEach
  void stop() throws Exception {
    node.app.stop().await(30, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, JsonObject body) throws Exception {
    return api.send(method, path, body).await(10, TimeUnit.SECONDS);
  }

  private void refused(HttpMethod method, String path, JsonObject body, String field, String problem) throws Exception {
    HttpResponse<Buffer> r = send(method, path, body);
    assertThat(r.statusCode()).as("%s %s %s: %s", method, path, body, r.bodyAsString()).isEqualTo(400);
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("invalid_input");
    assertThat(error.getString("message")).isEqualTo(field + ": " + problem);
    assertThat(error.getString("field")).isEqualTo(field);
  }

  @Test
  void everyBodyRouteRefusesAnUnknownFieldAndAWrongTypeNamingTheField() throws Exception {
    String r = "/lead-rotations/" + rotation;
    JsonObject rotationBefore = api.get(r).await(10, TimeUnit.SECONDS).bodyAsJsonObject();

    refused(HttpMethod.POST, "/lead-rotations", new JsonObject().put("name", "x").put("weigth", 5), "weigth",
        "unknown field");
    refused(HttpMethod.POST, "/lead-rotations", new JsonObject().put("name", 5), "name", "must be a string");
    refused(HttpMethod.PUT, r, new JsonObject().put("nmae", "x"), "nmae", "unknown field");
    refused(HttpMethod.PUT, r, new JsonObject().put("teamId", "seven"), "teamId", "must be a whole number or null");
    refused(HttpMethod.PATCH, r + "/status", new JsonObject().put("status", "archived").put("why", "x"), "why",
        "unknown field");
    refused(HttpMethod.PATCH, r + "/status", new JsonObject().put("status", true), "status", "must be a string");
    refused(HttpMethod.POST, r + "/tokens", new JsonObject().put("name", "t").put("scope", "all"), "scope",
        "unknown field");
    refused(HttpMethod.POST, r + "/tokens", new JsonObject().put("name", new JsonArray()), "name", "must be a string");
    refused(HttpMethod.POST, "/teams", new JsonObject().put("name", "x").put("colour", "red"), "colour", "unknown field");
    refused(HttpMethod.POST, "/teams", new JsonObject().put("name", "x").put("active", "yes"), "active",
        "must be true or false");
    refused(HttpMethod.PUT, "/teams/" + team, new JsonObject().put("members", new JsonArray()
        .add(new JsonObject().put("email", "b@example.com").put("wieght", 2))), "members[0].wieght", "unknown field");
    refused(HttpMethod.PUT, "/teams/" + team, new JsonObject().put("members", "b@example.com"), "members",
        "must be an array");
    refused(HttpMethod.POST, "/users", new JsonObject().put("email", "v@example.com").put("role", "lo"), "role",
        "unknown field");
    refused(HttpMethod.POST, "/users", new JsonObject().put("email", 7), "email", "must be a string");
    refused(HttpMethod.PUT, "/users/" + user, new JsonObject().put("nme", "U"), "nme", "unknown field");
    refused(HttpMethod.PUT, "/users/" + user, new JsonObject().put("roles", "lo"), "roles", "must be an array");
    // POST /v1/leads: the shape is checked before the token is looked up, so no pick is spent on bad input
    refused(HttpMethod.POST, "/v1/leads", new JsonObject().put("current_token", "lrt_x").put("fistName", "A"),
        "fistName", "unknown field");
    refused(HttpMethod.POST, "/v1/leads", new JsonObject().put("current_token", "lrt_x").put("phone", 5), "phone",
        "must be a string or null");

    assertThat(api.get(r).await(10, TimeUnit.SECONDS).bodyAsJsonObject()).as("nothing changed").isEqualTo(rotationBefore);
    assertThat(api.get("/lead-rotations").await(10, TimeUnit.SECONDS).bodyAsJsonObject().getLong("total")).isEqualTo(1);
    assertThat(api.get("/teams").await(10, TimeUnit.SECONDS).bodyAsJsonObject().getLong("total")).isEqualTo(1);
    assertThat(api.get("/users").await(10, TimeUnit.SECONDS).bodyAsJsonObject().getLong("total")).isEqualTo(2);
    assertThat(api.get(r + "/tokens").await(10, TimeUnit.SECONDS).bodyAsJsonObject().getJsonArray("items")).isEmpty();
  }

  @Test
  void aBigBodyIsCheckedOffTheEventLoopWithTheSameAnswers() throws Exception {
    JsonArray members = new JsonArray();
    for (int i = 0; i < 300; i++) {
      members.add(new JsonObject().put("email", "member" + i + "@example.com").put("weight", 1 + i % 10));
    }
    JsonObject body = new JsonObject().put("members", members);
    assertThat(body.encode().length()).as("over the inline limit").isGreaterThan(Body.INLINE_BYTES);
    String r = "/lead-rotations/" + rotation;
    members.getJsonObject(299).put("weight", 11);
    refused(HttpMethod.PUT, r, body, "members[299].weight", "must be at most 10, got 11");
    members.getJsonObject(299).put("weight", 10);
    HttpResponse<Buffer> updated = send(HttpMethod.PUT, r, body);
    assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(200);
    assertThat(updated.bodyAsJsonObject().getJsonArray("members")).hasSize(300);
  }

  @Test
  void aReassignmentThatIsNotTheSchemasIsRefusedAsTheIntegrationAnswers() throws Exception {
    String path = "/api/v2/pub/application/reassign?orgId=2311";
    JsonObject primary = new JsonObject().put("Email", "a@example.com");
    JsonObject unknown = send(HttpMethod.POST, path, new JsonObject().put("ApplicationId", 1)
        .put("PrimaryAgent", primary).put("Unassign", true)).bodyAsJsonObject();
    assertThat(unknown).isEqualTo(new JsonObject().put("Message", "Unassign: unknown field").put("Success", false));
    JsonObject wrongType = send(HttpMethod.POST, path, new JsonObject().put("ApplicationId", 1)
        .put("PrimaryAgent", primary).put("UnassignAllOtherUsers", "yes")).bodyAsJsonObject();
    assertThat(wrongType).isEqualTo(new JsonObject().put("Message", "UnassignAllOtherUsers: must be true or false")
        .put("Success", false));
  }

  @Test
  void theServedDocumentIsTheOneBodiesAreCheckedAgainst(Vertx vertx) throws Exception {
    Buffer served = api.get("/openapi.json").await(10, TimeUnit.SECONDS).body();
    assertThat(served.getBytes()).isEqualTo(Contract.load(vertx).await(10, TimeUnit.SECONDS).document().getBytes());
    // and the document's error schema says what an error may carry (members: of a 409 no_eligible_member)
    JsonObject error = new JsonObject(served).getJsonObject("components").getJsonObject("schemas")
        .getJsonObject("Error").getJsonObject("properties").getJsonObject("error");
    assertThat(error.getJsonObject("properties").fieldNames()).containsExactlyInAnyOrder("code", "message", "field", "members");
    assertThat(error.getBoolean("additionalProperties")).isFalse();
  }
}
