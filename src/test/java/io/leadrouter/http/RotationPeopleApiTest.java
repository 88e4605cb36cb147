package io.leadrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestClock;
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

/**
 * The rotation side of eligibility through the HTTP API: member pauses and caps skip with the reason, the
 * fallbacks (a user, another rotation, refused cycles), 409 no_eligible_member, preview and the members view.
 */
@ExtendWith(VertxExtension.class)
class RotationPeopleApiTest {

  private final TestClock clock = new TestClock("2026-03-02T10:15:00Z");
  private TestApp node;
  private Api api;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    // a clock that stands still: a cap hour cannot roll over in the middle of a test
    node = TestApp.start(vertx, clock).await(30, TimeUnit.SECONDS);
    api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
  }

  @AfterEach
  void stop() throws Exception {
    node.app.stop().await(30, TimeUnit.SECONDS);
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  private long user(String email) throws Exception {
    HttpResponse<Buffer> r = await(api.post("/users", new JsonObject().put("email", email)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getLong("id");
  }

  private JsonObject rotation(JsonObject body) throws Exception {
    HttpResponse<Buffer> r = await(api.post("/lead-rotations", body));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  private HttpResponse<Buffer> next(long id) throws Exception {
    return await(api.get("/lead-rotations/" + id + "/next-user"));
  }

  private JsonObject picked(long id) throws Exception {
    HttpResponse<Buffer> r = next(id);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static JsonObject skip(long userId, String reason) {
    return new JsonObject().put("userId", userId).put("reason", reason);
  }

  @Test
  void aCappedMemberIsSkippedWithTheReasonAndThePreviewForetellsThePicks() throws Exception {
    long ann = user("ann@example.com");
    long bob = user("bob@example.com");
    JsonObject r = rotation(new JsonObject().put("name", "Capped").put("timeZone", "Europe/Berlin")
        .put("members", new JsonArray().add(new JsonObject().put("userId", ann).put("caps", new JsonObject().put("hour", 1)))
            .add(new JsonObject().put("userId", bob))));
    long id = r.getLong("id");
    assertThat(r.getString("timeZone")).isEqualTo("Europe/Berlin");
    assertThat(r.getJsonArray("members").getJsonObject(0).getJsonObject("caps")).isEqualTo(new JsonObject().put("hour", 1));

    JsonObject preview = await(api.get("/lead-rotations/" + id + "/preview?count=3")).bodyAsJsonObject();
    List<Long> foretold = new ArrayList<>();
    preview.getJsonArray("picks").forEach(p -> foretold.add(((JsonObject) p).getJsonObject("user").getLong("id")));
    assertThat(foretold).containsExactly(ann, bob, bob);
    assertThat(preview.getJsonArray("picks").getJsonObject(2).getJsonArray("skipped"))
        .containsExactly(skip(ann, "cap_hour"));

    JsonObject first = picked(id);
    assertThat(first.getJsonObject("user").getLong("id")).isEqualTo(ann);
    assertThat(first.getJsonArray("skipped")).isEmpty();
    assertThat(picked(id).getJsonObject("user").getLong("id")).isEqualTo(bob);
    JsonObject third = picked(id);
    assertThat(third.getJsonObject("user").getLong("id")).isEqualTo(bob);
    assertThat(third.getJsonArray("skipped")).containsExactly(skip(ann, "cap_hour"));

    JsonObject members = await(api.get("/lead-rotations/" + id + "/members")).bodyAsJsonObject();
    JsonObject annNow = members.getJsonArray("members").getJsonObject(0);
    assertThat(annNow.getJsonObject("counts").getInteger("hour")).isEqualTo(1);
    assertThat(annNow.getBoolean("eligibleNow")).isFalse();
    assertThat(annNow.getString("reason")).isEqualTo("cap_hour");
    assertThat(annNow.getString("nextEligibleAt")).isNotNull();
    assertThat(members.getJsonArray("members").getJsonObject(1).getBoolean("eligibleNow")).isTrue();

    // stats count the picks that passed a member over, by reason (the log is written behind); the window
    // [now - 30 days, now) holds the picks once the clock has moved on from their instant
    clock.advance(java.time.Duration.ofSeconds(1));
    long deadline = System.currentTimeMillis() + 10_000;
    JsonObject stats;
    do {
      stats = await(api.get("/lead-rotations/" + id + "/stats")).bodyAsJsonObject();
      assertThat(System.currentTimeMillis()).as("picks in the log").isLessThan(deadline);
    } while (stats.getLong("totalPicks") < 3);
    assertThat(stats.getJsonArray("members").getJsonObject(0).getJsonObject("skipped"))
        .isEqualTo(new JsonObject().put("cap_hour", 1));
    assertThat(stats.getJsonArray("members").getJsonObject(1).getJsonObject("skipped")).isEqualTo(new JsonObject());

    HttpResponse<Buffer> bad = await(api.get("/lead-rotations/" + id + "/preview?count=101"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getJsonObject("error").getString("message")).startsWith("count:");
  }

  @Test
  void aPausedMemberIsSkippedUntilResumedAndNobodyEligibleIsA409ListingEveryMember() throws Exception {
    long ann = user("ann@example.com");
    long bob = user("bob@example.com");
    long id = rotation(new JsonObject().put("name", "Pausing").put("members", new JsonArray().add(ann).add(bob)
        .stream().map(u -> new JsonObject().put("userId", u)).collect(JsonArray::new, JsonArray::add, JsonArray::addAll)))
        .getLong("id");
    HttpResponse<Buffer> patched = await(api.patch("/lead-rotations/" + id + "/members/" + ann,
        new JsonObject().put("paused", true)));
    assertThat(patched.statusCode()).as(patched.bodyAsString()).isEqualTo(200);
    assertThat(patched.bodyAsJsonObject().getJsonArray("members").getJsonObject(0).getBoolean("paused")).isTrue();
    JsonObject p = picked(id);
    assertThat(p.getJsonObject("user").getLong("id")).isEqualTo(bob);
    assertThat(p.getJsonArray("skipped")).containsExactly(skip(ann, "paused"));
    // a lead's owner is picked the same way, and its answer says whom the pick passed over
    String token = await(api.post("/lead-rotations/" + id + "/tokens", new JsonObject().put("name", "form")))
        .bodyAsJsonObject().getString("token");
    HttpResponse<Buffer> lead = await(api.post("/v1/leads", new JsonObject().put("current_token", token)
        .put("firstName", "Dana")));
    assertThat(lead.statusCode()).as(lead.bodyAsString()).isEqualTo(201);
    assertThat(lead.bodyAsJsonObject().getString("owner")).isEqualTo("bob@example.com");
    assertThat(lead.bodyAsJsonObject().getJsonArray("skipped")).containsExactly(skip(ann, "paused"));

    await(api.patch("/lead-rotations/" + id + "/members/" + bob, new JsonObject().put("paused", true)));
    HttpResponse<Buffer> none = next(id);
    assertThat(none.statusCode()).isEqualTo(409);
    JsonObject error = none.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("no_eligible_member");
    assertThat(error.getJsonArray("members")).containsExactly(skip(ann, "paused"), skip(bob, "paused"));

    await(api.patch("/lead-rotations/" + id + "/members/" + ann, new JsonObject().put("paused", false)));
    assertThat(picked(id).getJsonObject("user").getLong("id")).isEqualTo(ann);
    HttpResponse<Buffer> notMember = await(api.patch("/lead-rotations/" + id + "/members/999999",
        new JsonObject().put("paused", true)));
    assertThat(notMember.statusCode()).isEqualTo(404);
    HttpResponse<Buffer> badCap = await(api.patch("/lead-rotations/" + id + "/members/" + ann,
        new JsonObject().put("caps", new JsonObject().put("day", 0))));
    assertThat(badCap.statusCode()).isEqualTo(400);
    assertThat(badCap.bodyAsJsonObject().getJsonObject("error").getString("message")).startsWith("caps.day:");
  }

  @Test
  void concurrentEditsOfDifferentMembersAllLand() throws Exception {
    JsonArray members = new JsonArray();
    List<Long> users = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      long u = user("member" + i + "@example.com");
      users.add(u);
      members.add(new JsonObject().put("userId", u));
    }
    long id = rotation(new JsonObject().put("name", "Busy edits").put("members", members)).getLong("id");
    List<io.vertx.core.Future<HttpResponse<Buffer>>> edits = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      JsonObject patch = i % 2 == 0 ? new JsonObject().put("paused", true)
          : new JsonObject().put("weight", 2 + i % 9).put("caps", new JsonObject().put("day", 10 + i));
      edits.add(api.patch("/lead-rotations/" + id + "/members/" + users.get(i), patch));
    }
    await(io.vertx.core.Future.join(edits));
    edits.forEach(e -> assertThat(e.result().statusCode()).as(e.result().bodyAsString()).isEqualTo(200));
    JsonArray after = await(api.get("/lead-rotations/" + id)).bodyAsJsonObject().getJsonArray("members");
    for (int i = 0; i < users.size(); i++) {
      JsonObject m = after.getJsonObject(i);
      assertThat(m.getValue("userId").toString()).isEqualTo(String.valueOf(users.get(i)));
      if (i % 2 == 0) {
        assertThat(m.getBoolean("paused")).as("member " + i + " paused").isTrue();
        assertThat(m.getInteger("weight")).isEqualTo(1);
      } else {
        assertThat(m.getBoolean("paused")).isFalse();
        assertThat(m.getInteger("weight")).as("member " + i + " weight").isEqualTo(2 + i % 9);
        assertThat(m.getJsonObject("caps")).isEqualTo(new JsonObject().put("day", 10 + i));
      }
    }
  }

  @Test
  void fallbacksGoToAUserOrAnotherRotationAndCyclesAreRefused() throws Exception {
    long ann = user("ann@example.com");
    long bob = user("bob@example.com");
    JsonObject pausedAnn = new JsonObject().put("userId", ann).put("paused", true);
    long toUser = rotation(new JsonObject().put("name", "To Bob").put("members", new JsonArray().add(pausedAnn))
        .put("fallback", new JsonObject().put("userId", bob))).getLong("id");
    JsonObject p = picked(toUser);
    assertThat(p.getJsonObject("user").getLong("id")).isEqualTo(bob);
    assertThat(p.getLong("fallbackFrom")).isEqualTo(toUser);
    assertThat(p.getJsonArray("skipped")).containsExactly(skip(ann, "paused"));
    // the preview foretells the fallback's picks too
    JsonArray toUserPlan = await(api.get("/lead-rotations/" + toUser + "/preview?count=2")).bodyAsJsonObject()
        .getJsonArray("picks");
    assertThat(toUserPlan).hasSize(2);
    for (Object o : toUserPlan) {
      JsonObject planned = (JsonObject) o;
      assertThat(planned.getJsonObject("user").getLong("id")).isEqualTo(bob);
      assertThat(planned.getLong("fallbackFrom")).isEqualTo(toUser);
      assertThat(planned.getLong("rotationId")).isEqualTo(toUser);
      assertThat(planned.getJsonArray("skipped")).containsExactly(skip(ann, "paused"));
    }

    long backup = rotation(new JsonObject().put("name", "Backup").put("members", new JsonArray()
        .add(new JsonObject().put("userId", bob)))).getLong("id");
    long front = rotation(new JsonObject().put("name", "Front").put("members", new JsonArray().add(pausedAnn))
        .put("fallback", new JsonObject().put("rotationId", backup))).getLong("id");
    JsonObject frontPlan = await(api.get("/lead-rotations/" + front + "/preview?count=3")).bodyAsJsonObject()
        .getJsonArray("picks").getJsonObject(0);
    assertThat(frontPlan.getJsonObject("user").getLong("id")).isEqualTo(bob);
    assertThat(frontPlan.getLong("rotationId")).as("the backup's pick").isEqualTo(backup);
    assertThat(frontPlan.getLong("fallbackFrom")).isEqualTo(front);
    assertThat(await(api.get("/lead-rotations/" + front + "/preview?count=3")).bodyAsJsonObject()
        .getJsonArray("picks")).hasSize(3);
    JsonObject viaBackup = picked(front);
    assertThat(viaBackup.getJsonObject("user").getLong("id")).isEqualTo(bob);
    assertThat(viaBackup.getString("rotationId")).isEqualTo(String.valueOf(backup));
    assertThat(viaBackup.getLong("fallbackFrom")).isEqualTo(front);

    // the front rotation's history lists the pick its fallback made (the log is written behind)
    long deadline = System.currentTimeMillis() + 10_000;
    JsonArray items;
    do {
      items = await(api.get("/lead-rotations/" + front + "/assignments")).bodyAsJsonObject().getJsonArray("items");
      assertThat(System.currentTimeMillis()).as("fallback pick in the history").isLessThan(deadline);
    } while (items.isEmpty());
    assertThat(items.getJsonObject(0).getLong("rotationId")).isEqualTo(backup);
    assertThat(items.getJsonObject(0).getLong("fallbackFrom")).isEqualTo(front);

    HttpResponse<Buffer> cycle = await(api.put("/lead-rotations/" + backup,
        new JsonObject().put("fallback", new JsonObject().put("rotationId", front))));
    assertThat(cycle.statusCode()).isEqualTo(400);
    assertThat(cycle.bodyAsJsonObject().getJsonObject("error").getString("message")).startsWith("fallback.rotationId:");
    HttpResponse<Buffer> zone = await(api.put("/lead-rotations/" + backup, new JsonObject().put("timeZone", "Mars/Base")));
    assertThat(zone.statusCode()).isEqualTo(400);
    assertThat(zone.bodyAsJsonObject().getJsonObject("error").getString("message")).startsWith("timeZone:");
    HttpResponse<Buffer> catchUp = await(api.put("/lead-rotations/" + backup, new JsonObject().put("catchUp", true)));
    assertThat(catchUp.statusCode()).as(catchUp.bodyAsString()).isEqualTo(200);
    assertThat(catchUp.bodyAsJsonObject().getBoolean("catchUp")).isTrue();
    assertThat(catchUp.bodyAsJsonObject().getString("name")).isEqualTo("Backup");
  }

  @Test
  void theDirectoryDecidesWhoCanTakeALeadAwayInactiveRenamedAndBack() throws Exception {
    long ann = user("ann@example.com");
    long bob = user("bob@example.com");
    long id = rotation(new JsonObject().put("name", "Live").put("members", new JsonArray()
        .add(new JsonObject().put("userId", ann)).add(new JsonObject().put("userId", bob)))).getLong("id");
    assertThat(picked(id).getJsonObject("user").getLong("id")).isEqualTo(ann);

    // Bob goes away: his turn goes to Ann, and the answer says why
    String later = java.time.Instant.now().plus(java.time.Duration.ofDays(2)).toString();
    assertThat(await(api.put("/users/" + bob, new JsonObject().put("awayUntil", later))).statusCode()).isEqualTo(200);
    JsonObject whileAway = picked(id);
    assertThat(whileAway.getJsonObject("user").getLong("id")).isEqualTo(ann);
    assertThat(whileAway.getJsonArray("skipped")).containsExactly(skip(bob, "away"));

    // Ann is deactivated as well: nobody is eligible, and the 409 lists both with their reasons
    assertThat(await(api.put("/users/" + ann, new JsonObject().put("active", false))).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> nobody = next(id);
    assertThat(nobody.statusCode()).isEqualTo(409);
    JsonObject error = nobody.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("no_eligible_member");
    assertThat(error.getJsonArray("members")).containsExactlyInAnyOrder(skip(ann, "inactive"), skip(bob, "away"));

    // Bob comes back under a new email: the very next pick is his, with the new email
    assertThat(await(api.put("/users/" + bob, new JsonObject().putNull("awayUntil").put("email", "robert@example.com")))
        .statusCode()).isEqualTo(200);
    JsonObject back = picked(id);
    assertThat(back.getJsonObject("user").getLong("id")).isEqualTo(bob);
    assertThat(back.getJsonObject("user").getString("email")).isEqualTo("robert@example.com");
    assertThat(back.getJsonArray("skipped")).isEmpty(); // his own slot came up: nobody passed over
  }
}
