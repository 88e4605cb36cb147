package io.leadrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Eligibility over time through the HTTP API, on a node whose owners tell the time by a clock the test moves:
 * working hours across midnight and a daylight-saving change, an absence that ends by itself, catch-up
 * repaying the turns missed (and not without it), cap periods of the rotation's time zone rolling over, and
 * caps under 1,000 concurrent picks.
 */
@ExtendWith(VertxExtension.class)
class ClockedPeopleApiTest {

  /** Friday 27 March 2026, 21:30 UTC: 22:30 in Berlin (CET, UTC+1); Europe's clocks go forward on Sunday 29th. */
  private final TestClock clock = new TestClock("2026-03-27T21:30:00Z");
  private TestApp node;
  private Api api;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    node = await(TestApp.start(vertx, clock));
    api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
  }

  @AfterEach
  void stop() throws Exception {
    node.app.stop().await(30, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  private long user(JsonObject body) throws Exception {
    HttpResponse<Buffer> r = await(api.post("/users", body));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getLong("id");
  }

  private long rotation(JsonObject body) throws Exception {
    HttpResponse<Buffer> r = await(api.post("/lead-rotations", body));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getLong("id");
  }

  private static JsonArray members(long... users) {
    JsonArray a = new JsonArray();
    for (long u : users) {
      a.add(new JsonObject().put("userId", u));
    }
    return a;
  }

  private JsonObject picked(long rotation) throws Exception {
    HttpResponse<Buffer> r = await(api.get("/lead-rotations/" + rotation + "/next-user"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private long pickedId(long rotation) throws Exception {
    return picked(rotation).getJsonObject("user").getLong("id");
  }

  private JsonObject member(long rotation, int index) throws Exception {
    return await(api.get("/lead-rotations/" + rotation + "/members")).bodyAsJsonObject().getJsonArray("members")
        .getJsonObject(index);
  }

  private static JsonObject skip(long userId, String reason) {
    return new JsonObject().put("userId", userId).put("reason", reason);
  }

  @Test
  void workingHoursCrossMidnightAndFollowTheDaylightSavingChange() throws Exception {
    // Ann: Friday nights 22:00-02:00 and Sundays 09:00-17:00, Berlin time; Bob: always
    long ann = user(new JsonObject().put("email", "ann@example.com").put("timeZone", "Europe/Berlin")
        .put("workingHours", new JsonObject().put("fri", new JsonArray().add(new JsonArray().add("22:00").add("02:00")))
            .put("sun", new JsonArray().add(new JsonArray().add("09:00").add("17:00")))));
    long bob = user(new JsonObject().put("email", "bob@example.com"));
    long id = rotation(new JsonObject().put("name", "Nights").put("members", members(ann, bob)));

    assertThat(pickedId(id)).as("Friday 22:30 in Berlin: inside Ann's hours").isEqualTo(ann);
    assertThat(pickedId(id)).isEqualTo(bob);

    clock.set("2026-03-28T00:59:00Z"); // Saturday 01:59 in Berlin: Friday's range runs past midnight
    assertThat(pickedId(id)).isEqualTo(ann);
    assertThat(pickedId(id)).isEqualTo(bob);

    clock.set("2026-03-28T01:00:00Z"); // Saturday 02:00 in Berlin: the range has ended
    JsonObject outside = picked(id);
    assertThat(outside.getJsonObject("user").getLong("id")).isEqualTo(bob);
    assertThat(outside.getJsonArray("skipped")).containsExactly(skip(ann, "outside_hours"));
    JsonObject annNow = member(id, 0);
    assertThat(annNow.getString("reason")).isEqualTo("outside_hours");
    // Sunday 09:00 is summer time (UTC+2) in Berlin: 07:00 UTC, not 08:00
    assertThat(annNow.getString("nextEligibleAt")).isEqualTo("2026-03-29T07:00:00Z");

    clock.set("2026-03-29T06:59:00Z"); // Sunday 08:59 CEST
    assertThat(member(id, 0).getString("reason")).isEqualTo("outside_hours");
    clock.set("2026-03-29T07:00:00Z"); // Sunday 09:00 CEST (08:00 had it stayed CET)
    assertThat(member(id, 0).getBoolean("eligibleNow")).isTrue();
    assertThat(pickedId(id)).isEqualTo(ann);
  }

  @Test
  void anAbsenceEndsByItselfAndCatchUpRepaysTheMissedTurnsButOnlyWithCatchUp() throws Exception {
    long ann = user(new JsonObject().put("email", "ann@example.com").put("awayUntil", "2026-03-27T23:00:00Z"));
    long bob = user(new JsonObject().put("email", "bob@example.com"));
    long repaying = rotation(new JsonObject().put("name", "Catch-up").put("catchUp", true).put("members", members(ann, bob)));
    long plain = rotation(new JsonObject().put("name", "Plain").put("members", members(ann, bob)));

    for (long id : List.of(repaying, plain)) {
      for (int i = 0; i < 2; i++) {
        JsonObject p = picked(id);
        assertThat(p.getJsonObject("user").getLong("id")).isEqualTo(bob);
        assertThat(p.getJsonArray("skipped")).containsExactly(skip(ann, "away"));
      }
    }
    JsonObject owed = member(repaying, 0);
    assertThat(owed.getInteger("owed")).isEqualTo(2);
    assertThat(owed.getString("reason")).isEqualTo("away");
    assertThat(owed.getString("nextEligibleAt")).isEqualTo("2026-03-27T23:00:00Z");
    assertThat(member(plain, 0).getInteger("owed")).isZero();

    clock.set("2026-03-27T23:00:00Z"); // back, with no call to the API
    JsonArray preview = await(api.get("/lead-rotations/" + repaying + "/preview?count=4")).bodyAsJsonObject()
        .getJsonArray("picks");
    List<Long> picks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      JsonObject p = picked(repaying);
      picks.add(p.getJsonObject("user").getLong("id"));
      assertThat(p.getJsonObject("user").getLong("id")).as("pick " + i + " as previewed")
          .isEqualTo(preview.getJsonObject(i).getJsonObject("user").getLong("id"));
    }
    // repayments (never two in a row) around her own slot; then both have had 3 of 6, as weights 1:1 say
    assertThat(picks).containsExactly(ann, ann, ann, bob);
    assertThat(preview.getJsonObject(0).getBoolean("repayment")).isTrue();
    assertThat(preview.getJsonObject(1).getBoolean("repayment")).isFalse();
    assertThat(preview.getJsonObject(2).getBoolean("repayment")).isTrue();
    assertThat(member(repaying, 0).getInteger("owed")).isZero();

    assertThat(List.of(pickedId(plain), pickedId(plain), pickedId(plain), pickedId(plain)))
        .as("without catch-up the missed turns are gone").containsExactly(ann, bob, ann, bob);
  }

  @Test
  void capPeriodsAreThoseOfTheRotationsTimeZoneAndRollOver() throws Exception {
    long ann = user(new JsonObject().put("email", "ann@example.com"));
    long bob = user(new JsonObject().put("email", "bob@example.com"));
    long id = rotation(new JsonObject().put("name", "New York").put("timeZone", "America/New_York")
        .put("members", new JsonArray().add(new JsonObject().put("userId", ann).put("caps", new JsonObject().put("day", 1)))
            .add(new JsonObject().put("userId", bob))));
    clock.set("2026-03-10T03:30:00Z"); // Monday 9 March, 23:30 in New York (EDT since the 8th)
    assertThat(pickedId(id)).isEqualTo(ann);
    assertThat(pickedId(id)).isEqualTo(bob);
    JsonObject capped = picked(id);
    assertThat(capped.getJsonObject("user").getLong("id")).isEqualTo(bob);
    assertThat(capped.getJsonArray("skipped")).containsExactly(skip(ann, "cap_day"));
    assertThat(member(id, 0).getString("nextEligibleAt")).as("midnight in New York").isEqualTo("2026-03-10T04:00:00Z");

    clock.set("2026-03-10T04:00:00Z"); // Tuesday 00:00 in New York; still the same UTC day
    JsonObject annNow = member(id, 0);
    assertThat(annNow.getBoolean("eligibleNow")).isTrue();
    assertThat(annNow.getJsonObject("counts").getInteger("day")).isZero();
    assertThat(pickedId(id)).isEqualTo(ann);
    assertThat(member(id, 0).getJsonObject("counts").getInteger("day")).isEqualTo(1);
  }

  @Test
  void capsHoldUnderAThousandConcurrentPicks() throws Exception {
    long ann = user(new JsonObject().put("email", "ann@example.com"));
    long bob = user(new JsonObject().put("email", "bob@example.com"));
    long cy = user(new JsonObject().put("email", "cy@example.com"));
    JsonArray members = new JsonArray()
        .add(new JsonObject().put("userId", ann).put("weight", 5).put("caps", new JsonObject().put("hour", 100)))
        .add(new JsonObject().put("userId", bob).put("weight", 3).put("caps", new JsonObject().put("day", 250)))
        .add(new JsonObject().put("userId", cy).put("weight", 1));
    long id = rotation(new JsonObject().put("name", "Busy").put("members", members));

    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      all.add(api.get("/lead-rotations/" + id + "/next-user"));
    }
    await(Future.join(all));
    Map<Long, Integer> counts = new HashMap<>();
    Set<Long> sequences = new HashSet<>();
    for (Future<HttpResponse<Buffer>> f : all) {
      HttpResponse<Buffer> r = f.result();
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      JsonObject p = r.bodyAsJsonObject();
      assertThat(sequences.add(p.getLong("sequence"))).as("sequence " + p.getLong("sequence") + " once").isTrue();
      counts.merge(p.getJsonObject("user").getLong("id"), 1, Integer::sum);
    }
    assertThat(sequences).hasSize(1000);
    assertThat(sequences.stream().mapToLong(Long::longValue).max().getAsLong()).isEqualTo(1000);
    assertThat(counts.get(ann)).as("Ann's hourly cap").isEqualTo(100);
    assertThat(counts.get(bob)).as("Bob's daily cap").isEqualTo(250);
    assertThat(counts.get(cy)).isEqualTo(650);
    assertThat(member(id, 0).getJsonObject("counts").getInteger("hour")).isEqualTo(100);
    assertThat(member(id, 1).getJsonObject("counts").getInteger("day")).isEqualTo(250);
    clock.advance(Duration.ofHours(1));
    assertThat(member(id, 0).getBoolean("eligibleNow")).as("a new hour").isTrue();
    assertThat(member(id, 1).getString("reason")).as("the same day").isEqualTo("cap_day");
  }
}
