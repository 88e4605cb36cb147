package io.leadrouter.leads;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Insellerate-style reassignment by role, and GetUsers, against a real Postgres. */
@ExtendWith(VertxExtension.class)
class ReassignTest {

  private String uri;
  private PgStore store;
  private TestApp node;
  private Api api;
  private long lo1;
  private long lo2;
  private long proc;
  private long lead;
  private Vertx vertx;

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  private long user(String email, String role) throws Exception {
    JsonObject body = new JsonObject().put("email", email).put("roles", new JsonArray().add(role));
    return await(api.post("/users", body)).bodyAsJsonObject().getLong("id");
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    uri = TestPostgres.freshDatabaseUri();
    store = await(Postgres.open(vertx, uri, 4));
    node = await(TestApp.start(vertx, store));
    api = new Api(vertx, node.port(), TestApp.token(vertx, "crm@example.com", "2311"), "2311");
    lo1 = user("lo1@example.com", "loan-officer");
    lo2 = user("lo2@example.com", "loan-officer");
    proc = user("proc@example.com", "processor");
    Api other = api.as(TestApp.token(vertx, "x@example.com", "9999"), "9999");
    await(other.post("/users", new JsonObject().put("email", "outsider@example.com")));
    long rotation = await(api.createRotation(new JsonObject().put("name", "r")
        .put("members", new JsonArray().add(new JsonObject().put("userId", lo1))))).getLong("id");
    String token = await(api.post("/lead-rotations/" + rotation + "/tokens", new JsonObject().put("name", "form")))
        .bodyAsJsonObject().getString("token");
    lead = Long.parseLong(await(api.as(null, null).post("/v1/leads", new JsonObject().put("current_token", token)
        .put("firstName", "Lee"))).bodyAsJsonObject().getString("id"));
  }

  @AfterEach
  void stop() throws Exception {
    await(node.app.stop());
    await(store.close());
    TestPostgres.dropDatabase(uri);
  }

  private JsonObject reassign(JsonObject body) throws Exception {
    HttpResponse<Buffer> r = await(api.as(TestApp.token(vertx, "crm@example.com", "2311"), null)
        .post("/api/v2/pub/application/reassign?orgId=2311", body));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static JsonObject byId(long id) {
    return new JsonObject().put("UserId", String.valueOf(id));
  }

  private static JsonObject byEmail(String email) {
    return new JsonObject().put("Email", email);
  }

  private JsonObject request(JsonObject primary, boolean unassign, JsonObject... assignments) {
    JsonArray a = new JsonArray();
    for (JsonObject o : assignments) {
      a.add(o);
    }
    return new JsonObject().put("ApplicationId", lead).put("Assignments", a).put("PrimaryAgent", primary)
        .put("UnassignAllOtherUsers", unassign);
  }

  /** The lead's agents as "email" or "email*" for the primary, in order. */
  private List<String> agents() throws Exception {
    JsonObject a = await(api.get("/v1/leads/" + lead + "/assignments")).bodyAsJsonObject();
    List<String> out = new ArrayList<>();
    a.getJsonArray("agents").forEach(o -> {
      JsonObject g = (JsonObject) o;
      out.add(g.getString("email") + (g.getBoolean("primary") ? "*" : ""));
    });
    return out;
  }

  @Test
  void reassignByUserIdUnassignsOthersOfTheSameRole() throws Exception {
    JsonObject r = reassign(request(byId(lo2), true, byId(lo2)));
    assertThat(r).isEqualTo(new JsonObject().put("Message", "Application updated successfully").put("Success", true));
    assertThat(agents()).containsExactly("lo2@example.com*");
    JsonObject stored = await(api.get("/v1/leads/" + lead)).bodyAsJsonObject();
    assertThat(stored.getString("owner")).isEqualTo("lo2@example.com");
    assertThat(stored.getString("last_modified_by")).isEqualTo("crm@example.com");
    JsonArray history = await(api.get("/v1/leads/" + lead + "/assignments")).bodyAsJsonObject().getJsonArray("history");
    assertThat(history).hasSize(2);
    JsonObject event = history.getJsonObject(1);
    assertThat(event.getString("kind")).isEqualTo("reassigned");
    assertThat(event.getString("by")).isEqualTo("crm@example.com");
    assertThat(event.getJsonArray("from").getJsonObject(0).getString("email")).isEqualTo("lo1@example.com");
    assertThat(event.getJsonArray("to").getJsonObject(0).getString("email")).isEqualTo("lo2@example.com");
    assertThat(event.getString("at")).isNotBlank();
  }

  @Test
  void unassignTrueKeepsUsersOfOtherRoles() throws Exception {
    reassign(request(byId(lo1), false, byEmail("proc@example.com")));
    assertThat(agents()).containsExactly("lo1@example.com*", "proc@example.com");
    reassign(request(byEmail("lo2@example.com"), true));
    assertThat(agents()).containsExactly("lo2@example.com*", "proc@example.com");
  }

  @Test
  void unassignFalseKeepsSameRoleUsersAsSecondaryAgents() throws Exception {
    reassign(request(byEmail("LO2@example.com"), false));
    assertThat(agents()).containsExactly("lo2@example.com*", "lo1@example.com");
  }

  @Test
  void failuresSaySuccessFalseAndChangeNothing() throws Exception {
    List<String> before = agents();
    JsonObject unknownApp = reassign(request(byId(lo2), true).put("ApplicationId", 987654));
    assertThat(unknownApp.getBoolean("Success")).isFalse();
    assertThat(unknownApp.getString("Message")).contains("ApplicationId 987654");
    JsonObject unknownUser = reassign(request(byId(424242), true));
    assertThat(unknownUser.getBoolean("Success")).isFalse();
    assertThat(unknownUser.getString("Message")).contains("PrimaryAgent.UserId 424242");
    JsonObject outsider = reassign(request(byId(lo2), true, byEmail("outsider@example.com")));
    assertThat(outsider.getBoolean("Success")).isFalse();
    assertThat(outsider.getString("Message")).contains("Assignments[0].Email outsider@example.com");
    JsonObject noPrimary = reassign(new JsonObject().put("ApplicationId", lead));
    assertThat(noPrimary.getBoolean("Success")).isFalse();
    assertThat(noPrimary.getString("Message")).contains("PrimaryAgent");
    assertThat(agents()).isEqualTo(before);
    assertThat(await(api.get("/v1/leads/" + lead + "/assignments")).bodyAsJsonObject().getJsonArray("history"))
        .hasSize(1);
  }

  @Test
  void anInactiveUserIsNamedByTheFieldGiven() throws Exception {
    HttpResponse<Buffer> off = await(api.put("/users/" + lo2, new JsonObject().put("active", false)));
    assertThat(off.statusCode()).as(off.bodyAsString()).isEqualTo(200);
    JsonObject byMail = reassign(request(byEmail("lo2@example.com"), true));
    assertThat(byMail.getBoolean("Success")).isFalse();
    assertThat(byMail.getString("Message")).isEqualTo("PrimaryAgent.Email lo2@example.com: the user is inactive");
    JsonObject byUserId = reassign(request(byId(lo2), true));
    assertThat(byUserId.getBoolean("Success")).isFalse();
    assertThat(byUserId.getString("Message"))
        .isEqualTo("PrimaryAgent.UserId " + lo2 + " (lo2@example.com): the user is inactive");
    JsonObject assigned = reassign(request(byId(lo1), true, byId(lo2)));
    assertThat(assigned.getString("Message")).startsWith("Assignments[0].UserId " + lo2 + " ");
  }

  @Test
  void aReassignmentThatChangesNothingRecordsNoHistory() throws Exception {
    List<String> before = agents();
    JsonObject same = reassign(request(byId(lo1), true));
    assertThat(same.getBoolean("Success")).isTrue();
    JsonObject sameByEmail = reassign(request(byEmail("lo1@example.com"), false, byId(lo1)));
    assertThat(sameByEmail.getBoolean("Success")).isTrue();
    assertThat(agents()).isEqualTo(before);
    assertThat(await(api.get("/v1/leads/" + lead + "/assignments")).bodyAsJsonObject().getJsonArray("history"))
        .hasSize(1);
    assertThat(reassign(request(byId(lo2), true)).getBoolean("Success")).isTrue();
    assertThat(await(api.get("/v1/leads/" + lead + "/assignments")).bodyAsJsonObject().getJsonArray("history"))
        .hasSize(2);
  }

  @Test
  void theOrgMustBeGrantedByTheToken() throws Exception {
    HttpResponse<Buffer> r = await(api.as(TestApp.token(vertx, "x@example.com", "9999"), null)
        .post("/api/v2/pub/application/reassign?orgId=2311", request(byId(lo2), true)));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(await(api.as(null, null).get("/api/integration/GetUsers?orgId=2311")).statusCode()).isEqualTo(401);
    assertThat(await(api.get("/api/integration/GetUsers")).statusCode()).isEqualTo(400);
    assertThat(agents()).containsExactly("lo1@example.com*");
  }

  @Test
  void getUsersListsRoles() throws Exception {
    HttpResponse<Buffer> r = await(api.get("/api/integration/GetUsers?orgId=2311"));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonArray users = r.bodyAsJsonArray();
    assertThat(users).hasSize(3);
    JsonObject first = users.getJsonObject(0);
    assertThat(first.getLong("UserId")).isEqualTo(lo1);
    assertThat(first.getString("Email")).isEqualTo("lo1@example.com");
    assertThat(first.getJsonArray("Roles")).containsExactly("loan-officer");
    assertThat(users.getJsonObject(2).getJsonArray("Roles")).containsExactly("processor");
  }

  @Test
  void unknownFieldsAreRefusedByName() throws Exception {
    List<String> before = agents();
    JsonObject typo = reassign(request(byId(lo2), true).put("UnassignAllOtherUser", true));
    assertThat(typo).isEqualTo(new JsonObject().put("Message", "UnassignAllOtherUser: unknown field")
        .put("Success", false));
    JsonObject inRef = reassign(request(byId(lo2).put("userId", lo2), true));
    assertThat(inRef.getBoolean("Success")).isFalse();
    assertThat(inRef.getString("Message")).isEqualTo("PrimaryAgent.userId: unknown field");
    JsonObject inAssignment = reassign(request(byId(lo2), true, byId(proc), new JsonObject().put("Mail", "x@y.z")));
    assertThat(inAssignment.getBoolean("Success")).isFalse();
    assertThat(inAssignment.getString("Message")).isEqualTo("Assignments[1].Mail: unknown field");
    assertThat(agents()).isEqualTo(before);
  }

  @Test
  void aPrimaryAgentGivenByTheIdOfOneUserAndTheEmailOfAnotherIsRefused() throws Exception {
    List<String> before = agents();
    JsonObject mixed = reassign(request(byId(lo2).put("Email", "proc@example.com"), true));
    assertThat(mixed.getBoolean("Success")).isFalse();
    assertThat(mixed.getString("Message")).contains("PrimaryAgent").contains("lo2@example.com")
        .contains("proc@example.com");
    JsonObject nobody = reassign(request(byId(lo2), true, byId(proc).put("Email", "nobody@example.com")));
    assertThat(nobody.getBoolean("Success")).isFalse();
    assertThat(nobody.getString("Message")).startsWith("Assignments[0]");
    assertThat(agents()).isEqualTo(before);
    // both of the same user: fine
    JsonObject same = reassign(request(byId(lo2).put("Email", "LO2@example.com"), true));
    assertThat(same.getBoolean("Success")).as(same.encode()).isTrue();
    assertThat(agents()).containsExactly("lo2@example.com*");
  }
}
