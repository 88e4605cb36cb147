package io.leadrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /lead-rotations/{id}/assignments} and {@code /stats}: the pick history and fairness per member. */
@ExtendWith(VertxExtension.class)
class HistoryApiTest {

  private TestApp node;
  private Api api;
  private long id;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    node = TestApp.start(vertx).await(30, TimeUnit.SECONDS);
    api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
    id = await(api.createRotation(new JsonObject().put("name", "history").put("members", new JsonArray()
        .add(new JsonObject().put("email", "a@example.com").put("name", "Ann").put("weight", 3))
        .add(new JsonObject().put("email", "b@example.com").put("weight", 1))
        .add(new JsonObject().put("email", "c@example.com").put("weight", 1))))).getLong("id");
  }

  @AfterEach
  void stop() throws Exception {
    node.app.stop().await(30, TimeUnit.SECONDS);
  }

  @Test
  void assignmentsAreNewestFirstPagedAndFilteredByUserAndTime() throws Exception {
    pick(10);
    JsonObject first = page("?limit=3");
    assertThat(first.getLong("total")).isEqualTo(10);
    assertThat(sequences(first)).containsExactly(10L, 9L, 8L);
    assertThat(sequences(page("?limit=3&offset=3"))).containsExactly(7L, 6L, 5L);
    JsonObject newest = first.getJsonArray("items").getJsonObject(0);
    assertThat(newest.fieldNames()).containsExactlyInAnyOrder("rotationId", "sequence", "userId", "email",
        "position", "pickedAt", "requestId", "skipped", "repayment");
    assertThat(newest.getString("email")).isEqualTo("a@example.com"); // a b a c a | a b a c a

    long bob = page("?limit=10").getJsonArray("items").stream().map(o -> (JsonObject) o)
        .filter(o -> o.getString("email").equals("b@example.com")).findFirst().orElseThrow().getLong("userId");
    JsonObject bobs = page("?userId=" + bob);
    assertThat(bobs.getLong("total")).isEqualTo(2);
    assertThat(sequences(bobs)).containsExactly(7L, 2L);

    JsonArray all = page("?limit=10").getJsonArray("items");
    String at5 = all.getJsonObject(5).getString("pickedAt"); // sequence 5
    String at8 = all.getJsonObject(2).getString("pickedAt"); // sequence 8
    assertThat(sequences(page("?from=" + at5 + "&to=" + at8))).containsExactly(7L, 6L, 5L);
  }

  @Test
  void statsSetEachMembersActualShareBesideTheWeightedOne() throws Exception {
    pick(10);
    JsonObject stats = ok(await(api.get("/lead-rotations/" + id + "/stats"))).bodyAsJsonObject();
    assertThat(stats.getLong("totalPicks")).isEqualTo(10);
    assertThat(Duration.between(Instant.parse(stats.getString("from")), Instant.parse(stats.getString("to"))))
        .isEqualTo(Duration.ofHours(24));
    JsonArray members = stats.getJsonArray("members");
    assertThat(members.stream().map(o -> ((JsonObject) o).getLong("picks"))).containsExactly(6L, 2L, 2L);
    assertThat(members.stream().map(o -> ((JsonObject) o).getDouble("actualShare"))).containsExactly(0.6, 0.2, 0.2);
    assertThat(members.stream().map(o -> ((JsonObject) o).getDouble("expectedShare"))).containsExactly(0.6, 0.2, 0.2);
    JsonObject ann = members.getJsonObject(0);
    assertThat(ann.getString("email")).isEqualTo("a@example.com");
    assertThat(ann.getString("name")).isEqualTo("Ann");
    assertThat(ann.getInteger("weight")).isEqualTo(3);

    // a member taken out keeps its picks, under formerMembers
    ok(await(api.put("/lead-rotations/" + id, new JsonObject().put("members", new JsonArray()
        .add(new JsonObject().put("email", "a@example.com").put("weight", 3))
        .add(new JsonObject().put("email", "b@example.com").put("weight", 1))))));
    JsonObject after = ok(await(api.get("/lead-rotations/" + id + "/stats"))).bodyAsJsonObject();
    assertThat(after.getLong("totalPicks")).isEqualTo(10);
    assertThat(after.getJsonArray("members")).hasSize(2);
    assertThat(after.getJsonArray("members").getJsonObject(0).getDouble("expectedShare")).isEqualTo(0.75);
    JsonObject former = after.getJsonArray("formerMembers").getJsonObject(0);
    assertThat(former.getLong("picks")).isEqualTo(2);

    JsonObject empty = ok(await(api.get("/lead-rotations/" + id + "/stats?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z")))
        .bodyAsJsonObject();
    assertThat(empty.getLong("totalPicks")).isZero();
    assertThat(empty.getJsonArray("members").getJsonObject(0).getDouble("actualShare")).isZero();
  }

  @Test
  void badParametersAre400NamingTheField() throws Exception {
    String base = "/lead-rotations/" + id;
    for (String[] c : List.of(
        new String[] {base + "/assignments?userId=bob", "userId:"},
        new String[] {base + "/assignments?userId=-1", "userId:"},
        new String[] {base + "/assignments?from=yesterday", "from:"},
        new String[] {base + "/assignments?to=2026-13-01T00:00:00Z", "to:"},
        new String[] {base + "/assignments?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "to:"},
        new String[] {base + "/assignments?limit=0", "limit:"},
        new String[] {base + "/assignments?offset=-1", "offset:"},
        new String[] {base + "/stats?from=1.5", "from:"},
        new String[] {base + "/stats?to=2020-01-01T00:00:00Z&from=2020-01-01T00:00:00Z", "to:"},
        new String[] {"/lead-rotations/x/stats", "rotationId:"})) {
      HttpResponse<Buffer> r = await(api.get(c[0]));
      assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).as(c[0]).startsWith(c[1]);
    }
  }

  @Test
  void anotherAccountsRotationIsNotFound(Vertx vertx) throws Exception {
    pick(1);
    Api other = api.as(TestApp.token(vertx, "eve@example.com", "9999"), "9999");
    for (String path : List.of("/assignments", "/stats")) {
      HttpResponse<Buffer> r = await(other.get("/lead-rotations/" + id + path));
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(r.bodyAsString()).doesNotContain("a@example.com");
    }
    assertThat(await(api.get("/lead-rotations/" + (id + 1000) + "/stats")).statusCode()).isEqualTo(404);
  }

  // ---- helpers ----------------------------------------------------------------------------------------

  /** Picks {@code n} times, then waits until the write-behind has logged them all. */
  private void pick(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      ok(await(api.get("/lead-rotations/" + id + "/next-user")));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (page("?limit=1").getLong("total") < n) {
      assertThat(System.nanoTime()).as("picks logged within 10 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private JsonObject page(String query) throws Exception {
    return ok(await(api.get("/lead-rotations/" + id + "/assignments" + query))).bodyAsJsonObject();
  }

  private static List<Long> sequences(JsonObject page) {
    return page.getJsonArray("items").stream().map(o -> ((JsonObject) o).getLong("sequence")).toList();
  }

  private static HttpResponse<Buffer> ok(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }
}
