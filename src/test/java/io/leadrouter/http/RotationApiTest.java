package io.leadrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
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

@ExtendWith(VertxExtension.class)
class RotationApiTest {

  private TestApp node;
  private Api api;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    node = TestApp.start(vertx).await(30, TimeUnit.SECONDS);
    api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
  }

  @AfterEach
  void stop() throws Exception {
    node.app.stop().await(30, TimeUnit.SECONDS);
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  private JsonObject weighted() throws Exception {
    return await(api.createRotation(new JsonObject().put("name", "Inbound web").put("members", new JsonArray()
        .add(new JsonObject().put("email", "a@example.com").put("name", "Ann").put("weight", 3))
        .add(new JsonObject().put("email", "b@example.com").put("weight", 1))
        .add(new JsonObject().put("email", "c@example.com").put("weight", 1)))));
  }

  private JsonObject next(long id) throws Exception {
    HttpResponse<Buffer> r = await(api.get("/lead-rotations/" + id + "/next-user"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  @Test
  void nextUserFollowsTheSmoothWeightedOrder() throws Exception {
    long id = weighted().getLong("id");
    List<String> users = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      users.add(next(id).getString("currentUser"));
    }
    assertThat(users).containsExactly("a@example.com", "b@example.com", "a@example.com", "c@example.com",
        "a@example.com", "a@example.com", "b@example.com", "a@example.com", "c@example.com", "a@example.com");
  }

  @Test
  void nextUserResponseHasTheSeedShape() throws Exception {
    long id = weighted().getLong("id");
    next(id);
    JsonObject r = next(id);
    assertThat(r.fieldNames()).containsExactlyInAnyOrder("user", "rotationId", "newPosition", "totalUsers",
        "currentUser", "nextUser", "rotation", "currentPosition", "sequence", "skipped");
    assertThat(r.getJsonArray("skipped")).isEmpty();
    JsonObject user = r.getJsonObject("user");
    assertThat(user.fieldNames()).containsExactlyInAnyOrder("id", "email", "name", "userId", "weight");
    assertThat(user.getValue("id")).isInstanceOf(Number.class);
    assertThat(user.getValue("userId")).isInstanceOf(String.class);
    assertThat(user.getString("userId")).isEqualTo(String.valueOf(user.getLong("id")));
    assertThat(user.getString("email")).isEqualTo("b@example.com");
    assertThat(user.getString("name")).isEqualTo("b");
    assertThat(user.getInteger("weight")).isEqualTo(1);
    assertThat(r.getValue("rotationId")).isEqualTo(String.valueOf(id));
    assertThat(r.getInteger("currentPosition")).isEqualTo(1);
    assertThat(r.getInteger("newPosition")).isEqualTo(2);
    assertThat(r.getInteger("totalUsers")).isEqualTo(3);
    assertThat(r.getString("currentUser")).isEqualTo("b@example.com");
    assertThat(r.getString("nextUser")).isEqualTo("a@example.com");
    assertThat(r.getLong("sequence")).isEqualTo(2);
    JsonObject rotation = r.getJsonObject("rotation");
    assertThat(rotation.fieldNames()).containsExactlyInAnyOrder("id", "uniqueId", "accountId", "name",
        "ticketTypeId", "status", "userRotationArray", "currentPosition", "createdAt", "updatedAt", "createdBy",
        "updatedBy");
    assertThat(rotation.getLong("id")).isEqualTo(id);
    assertThat(rotation.getValue("uniqueId")).isInstanceOf(String.class);
    assertThat(rotation.getString("accountId")).isEqualTo("2311");
    assertThat(rotation.getString("status")).isEqualTo("active");
    assertThat(rotation.getInteger("currentPosition")).isEqualTo(2);
    JsonObject first = rotation.getJsonArray("userRotationArray").getJsonObject(0);
    assertThat(first.fieldNames()).containsExactlyInAnyOrder("userId", "email", "name", "weight", "paused", "caps");
    assertThat(first.getValue("userId")).isInstanceOf(String.class);
    assertThat(first.getString("name")).isEqualTo("Ann");
    assertThat(first.getInteger("weight")).isEqualTo(3);
    assertThat(rotation.getString("createdBy")).isEqualTo("ops@example.com");
  }

  @Test
  void getReturnsTheLeadRotationShapeWithItsTeam() throws Exception {
    JsonObject team = await(api.post("/teams", new JsonObject().put("name", "Closers")
        .put("members", new JsonArray().add(new JsonObject().put("email", "t1@example.com").put("name", "Tia"))
            .add("t2@example.com")))).bodyAsJsonObject();
    long teamId = team.getLong("id");
    JsonObject created = await(api.createRotation(new JsonObject().put("name", "From team").put("teamId", teamId)));
    HttpResponse<Buffer> r = await(api.get("/lead-rotations/" + created.getLong("id")));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject o = r.bodyAsJsonObject();
    assertThat(o.fieldNames()).containsExactlyInAnyOrder("id", "name", "accountId", "status", "teamId",
        "userRotationArray", "currentPosition", "createdAt", "updatedAt", "createdBy", "updatedBy", "team",
        "members", "sequence", "timeZone", "catchUp", "fallback", "followsTeam");
    assertThat(o.getString("timeZone")).isEqualTo("UTC");
    assertThat(o.getBoolean("followsTeam")).isTrue(); // created from the team alone
    assertThat(o.getValue("id")).isInstanceOf(Number.class);
    assertThat(o.getString("status")).isEqualTo("active");
    assertThat(o.getLong("teamId")).isEqualTo(teamId);
    assertThat(o.getJsonArray("userRotationArray")).containsExactly("t1@example.com", "t2@example.com");
    assertThat(o.getInteger("currentPosition")).isZero();
    assertThat(o.getLong("sequence")).isZero();
    assertThat(o.getString("createdBy")).isEqualTo("ops@example.com");
    assertThat(java.time.Instant.parse(o.getString("createdAt"))).isNotNull();
    JsonObject t = o.getJsonObject("team");
    assertThat(t.fieldNames()).containsExactlyInAnyOrder("id", "account_id", "accountId", "name", "active",
        "members", "createdBy", "updatedBy", "createdAt", "updatedAt");
    assertThat(t.getString("account_id")).isEqualTo("2311");
    assertThat(t.getBoolean("active")).isTrue();
    JsonObject member = t.getJsonArray("members").getJsonObject(0);
    assertThat(member.fieldNames()).containsExactlyInAnyOrder("userId", "email", "name");
    assertThat(member.getValue("userId")).isInstanceOf(Number.class);
    assertThat(member.getString("name")).isEqualTo("Tia");
    JsonObject m = o.getJsonArray("members").getJsonObject(1);
    assertThat(m.getString("email")).isEqualTo("t2@example.com");
    assertThat(m.getInteger("weight")).isEqualTo(1);
  }

  @Test
  void seedStyleUserRotationArrayOfEmailsHasWeightOne() throws Exception {
    JsonObject created = await(api.createRotation(new JsonObject().put("name", "Seed")
        .put("userRotationArray", new JsonArray().add("x@example.com").add("y@example.com"))));
    assertThat(created.getJsonArray("members").getJsonObject(0).getInteger("weight")).isEqualTo(1);
    long id = created.getLong("id");
    assertThat(next(id).getString("currentUser")).isEqualTo("x@example.com");
    assertThat(next(id).getString("currentUser")).isEqualTo("y@example.com");
    assertThat(next(id).getString("currentUser")).isEqualTo("x@example.com");
  }

  @Test
  void statusPatchControlsPicking() throws Exception {
    long id = weighted().getLong("id");
    for (String status : List.of("archived", "queued")) {
      HttpResponse<Buffer> patched = await(api.patch("/lead-rotations/" + id + "/status",
          new JsonObject().put("status", status)));
      assertThat(patched.statusCode()).isEqualTo(200);
      assertThat(patched.bodyAsJsonObject().getString("status")).isEqualTo(status);
      assertThat(patched.bodyAsJsonObject().getString("updatedBy")).isEqualTo("ops@example.com");
      HttpResponse<Buffer> refused = await(api.get("/lead-rotations/" + id + "/next-user"));
      assertThat(refused.statusCode()).isEqualTo(409);
      assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("conflict");
      assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("message")).contains(status);
    }
    assertThat(await(api.patch("/lead-rotations/" + id + "/status", new JsonObject().put("status", "active")))
        .statusCode()).isEqualTo(200);
    JsonObject pick = next(id);
    assertThat(pick.getLong("sequence")).isEqualTo(1);
    assertThat(pick.getString("currentUser")).isEqualTo("a@example.com");
  }

  @Test
  void emptyRotationAnswersConflict() throws Exception {
    long id = await(api.createRotation(new JsonObject().put("name", "Empty"))).getLong("id");
    HttpResponse<Buffer> r = await(api.get("/lead-rotations/" + id + "/next-user"));
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("no members");
  }

  @Test
  void putEditsMembersAndPickingContinuesAfterTheLastPicked() throws Exception {
    long id = weighted().getLong("id");
    assertThat(next(id).getString("currentUser")).isEqualTo("a@example.com");
    assertThat(next(id).getString("currentUser")).isEqualTo("b@example.com");
    HttpResponse<Buffer> put = await(api.put("/lead-rotations/" + id, new JsonObject().put("name", "Renamed")
        .put("members", new JsonArray()
            .add(new JsonObject().put("email", "a@example.com").put("weight", 3))
            .add(new JsonObject().put("email", "b@example.com").put("weight", 1))
            .add(new JsonObject().put("email", "c@example.com").put("weight", 1))
            .add(new JsonObject().put("email", "d@example.com").put("weight", 1)))));
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(200);
    assertThat(put.bodyAsJsonObject().getString("name")).isEqualTo("Renamed");
    List<String> users = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      users.add(next(id).getString("currentUser"));
    }
    // new schedule a b a c d a; b was picked last, so the turn continues at slot 2
    assertThat(users).containsExactly("a@example.com", "c@example.com", "d@example.com", "a@example.com",
        "a@example.com", "b@example.com");
    assertThat(next(id).getLong("sequence")).isEqualTo(9);

    await(api.put("/lead-rotations/" + id, new JsonObject().put("members", new JsonArray().add("a@example.com")
        .add("d@example.com"))));
    for (int i = 0; i < 20; i++) {
      assertThat(next(id).getString("currentUser")).isIn("a@example.com", "d@example.com");
    }
  }

  @Test
  void listFiltersByStatusAndTeamAndPaginates() throws Exception {
    long teamId = await(api.post("/teams", new JsonObject().put("name", "T"))).bodyAsJsonObject().getLong("id");
    long a = await(api.createRotation(new JsonObject().put("name", "a"))).getLong("id");
    long b = await(api.createRotation(new JsonObject().put("name", "b").put("teamId", teamId))).getLong("id");
    long c = await(api.createRotation(new JsonObject().put("name", "c").put("status", "queued"))).getLong("id");
    JsonObject all = await(api.get("/lead-rotations")).bodyAsJsonObject();
    assertThat(all.getLong("total")).isEqualTo(3);
    assertThat(ids(all)).containsExactly(a, b, c);
    assertThat(ids(await(api.get("/lead-rotations?status=queued")).bodyAsJsonObject())).containsExactly(c);
    assertThat(ids(await(api.get("/lead-rotations?teamId=" + teamId)).bodyAsJsonObject())).containsExactly(b);
    JsonObject page = await(api.get("/lead-rotations?limit=1&offset=1")).bodyAsJsonObject();
    assertThat(ids(page)).containsExactly(b);
    assertThat(page.getLong("total")).isEqualTo(3);
    assertThat(page.getInteger("limit")).isEqualTo(1);
    assertThat(page.getInteger("offset")).isEqualTo(1);
  }

  private static List<Long> ids(JsonObject page) {
    List<Long> ids = new ArrayList<>();
    page.getJsonArray("items").forEach(o -> ids.add(((JsonObject) o).getLong("id")));
    return ids;
  }

  @Test
  void deleteRemovesTheRotation() throws Exception {
    long id = weighted().getLong("id");
    next(id);
    assertThat(await(api.delete("/lead-rotations/" + id)).statusCode()).isEqualTo(204);
    assertThat(await(api.get("/lead-rotations/" + id)).statusCode()).isEqualTo(404);
    assertThat(await(api.get("/lead-rotations/" + id + "/next-user")).statusCode()).isEqualTo(404);
    assertThat(await(api.delete("/lead-rotations/" + id)).statusCode()).isEqualTo(404);
  }

  @Test
  void usersDirectoryCrud() throws Exception {
    HttpResponse<Buffer> created = await(api.post("/users", new JsonObject().put("email", "lo@example.com")
        .put("name", "Lo").put("roles", new JsonArray().add("loan-officer"))));
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject u = created.bodyAsJsonObject();
    assertThat(u.getJsonArray("roles")).containsExactly("loan-officer");
    assertThat(u.getBoolean("active")).isTrue();
    long id = u.getLong("id");
    assertThat(await(api.post("/users", new JsonObject().put("email", "LO@example.com"))).statusCode()).isEqualTo(409);
    JsonObject updated = await(api.put("/users/" + id, new JsonObject().put("active", false))).bodyAsJsonObject();
    assertThat(updated.getBoolean("active")).isFalse();
    assertThat(updated.getString("name")).isEqualTo("Lo");
    assertThat(await(api.get("/users")).bodyAsJsonObject().getLong("total")).isEqualTo(1);
    // a rotation member that names the user by id links to the directory user
    JsonObject rot = await(api.createRotation(new JsonObject().put("name", "r")
        .put("members", new JsonArray().add(new JsonObject().put("userId", String.valueOf(id)).put("weight", 2)))));
    assertThat(rot.getJsonArray("userRotationArray")).containsExactly("lo@example.com");
    assertThat(await(api.delete("/users/" + id)).statusCode()).isEqualTo(409);
    await(api.delete("/lead-rotations/" + rot.getLong("id")));
    assertThat(await(api.delete("/users/" + id)).statusCode()).isEqualTo(204);
    assertThat(await(api.get("/users/" + id)).statusCode()).isEqualTo(404);
  }
}
