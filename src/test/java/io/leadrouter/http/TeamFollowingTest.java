package io.leadrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.RotationState;
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
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rotations that follow a team get the team's membership on every team change (added: weight 1 at the end,
 * removed: gone, kept: in place with their settings); a deactivated team empties them. Rotations with their
 * own member list keep it.
 */
@ExtendWith(VertxExtension.class)
class TeamFollowingTest {

  private static final String ACCOUNT = "acct";

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
    api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", ACCOUNT), ACCOUNT);
  }

  @AfterEach
  void stop() throws Exception {
    await(node.app.stop());
    await(store.close());
    TestPostgres.dropDatabase(uri);
  }

  private JsonObject ok(Future<HttpResponse<Buffer>> call, int status) throws Exception {
    HttpResponse<Buffer> r = await(call);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    return r.bodyAsJsonObject();
  }

  private long user(String email) throws Exception {
    return ok(api.post("/users", new JsonObject().put("email", email)), 201).getLong("id");
  }

  private static JsonObject team(long... ids) {
    JsonArray members = new JsonArray();
    for (long id : ids) {
      members.add(new JsonObject().put("userId", id));
    }
    return new JsonObject().put("members", members);
  }

  /** "email:weight" per member, in order, as the rotation's owner has it. */
  private List<String> members(long rotation) throws Exception {
    RotationState s = await(node.app.rotations().get(ACCOUNT, rotation));
    return s.members().stream().map(m -> m.email() + ":" + m.weight()).toList();
  }

  @Test
  void followersTakeTheTeamsMembersAndOthersKeepTheirOwn() throws Exception {
    long ann = user("ann@example.com");
    long bob = user("bob@example.com");
    long cy = user("cy@example.com");
    long team = ok(api.post("/teams", team(ann, bob).put("name", "sales")), 201).getLong("id");
    long follower = await(api.createRotation(new JsonObject().put("name", "follows").put("teamId", team)))
        .getLong("id");
    long own = await(api.createRotation(new JsonObject().put("name", "own").put("teamId", team).put("members",
        new JsonArray().add(new JsonObject().put("userId", ann)).add(new JsonObject().put("userId", bob)))))
        .getLong("id");
    // the rotation side marks a rotation created from a team alone as following it; here it is set directly,
    // with ann's weight raised to show that kept members keep their settings
    await(node.app.rotations().update(new Rotation.Update(ACCOUNT, follower, null, false, null,
        List.of(new Member(ann, "ann@example.com", "ann", 3), new Member(bob, "bob@example.com", "bob", 1)), "test",
        new Rotation.Settings(ZoneOffset.UTC, false, null, true))));

    ok(api.put("/teams/" + team, team(bob, cy, ann)), 200);
    assertThat(members(follower)).containsExactly("ann@example.com:3", "bob@example.com:1", "cy@example.com:1");
    ok(api.put("/teams/" + team, team(cy, bob)), 200);
    assertThat(members(follower)).containsExactly("bob@example.com:1", "cy@example.com:1");
    assertThat(members(own)).containsExactly("ann@example.com:1", "bob@example.com:1");

    ok(api.put("/teams/" + team, new JsonObject().put("active", false)), 200);
    assertThat(members(follower)).as("an inactive team has nobody eligible").isEmpty();
    assertThat(await(api.get("/lead-rotations/" + follower + "/next-user")).statusCode()).isEqualTo(409);
    assertThat(members(own)).hasSize(2);

    ok(api.put("/teams/" + team, new JsonObject().put("active", true)), 200);
    assertThat(members(follower)).containsExactly("cy@example.com:1", "bob@example.com:1");
    assertThat(ok(api.get("/lead-rotations/" + follower + "/next-user"), 200).getString("currentUser"))
        .isIn("cy@example.com", "bob@example.com");
  }
}
