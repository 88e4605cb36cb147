package io.leadrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.store.pg.PgStore;
import io.leadrouter.store.pg.Postgres;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.SseStream;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /lead-rotations/{id}/events} with {@code Last-Event-ID}: the picks after that id are replayed from
 * the assignment log, then the stream goes on live, with no pick twice and none missing; ids stay the
 * rotation's own sequences.
 */
@ExtendWith(VertxExtension.class)
class EventStreamResumeTest {

  private Vertx vertx;
  private String uri;
  private PgStore store;
  private TestApp node;
  private Api api;
  private HttpClient client;
  private String token;

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    uri = TestPostgres.freshDatabaseUri();
    store = await(Postgres.open(vertx, uri, 4));
    node = await(TestApp.start(vertx, store));
    token = TestApp.token(vertx, "ops@example.com", "2311");
    api = new Api(vertx, node.port(), token, "2311");
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() throws Exception {
    await(client.close());
    await(node.app.stop());
    await(store.close());
    TestPostgres.dropDatabase(uri);
  }

  private long rotation(String... emails) throws Exception {
    JsonArray members = new JsonArray();
    for (String email : emails) {
      HttpResponse<Buffer> u = await(api.post("/users", new JsonObject().put("email", email)));
      assertThat(u.statusCode()).as(u.bodyAsString()).isEqualTo(201);
      members.add(email);
    }
    return await(api.createRotation(new JsonObject().put("name", "Resumed").put("members", members))).getLong("id");
  }

  private List<Long> pick(long id, int count) throws Exception {
    List<Long> sequences = new ArrayList<>();
    while (sequences.size() < count) {
      int n = Math.min(100, count - sequences.size());
      HttpResponse<Buffer> r = await(api.post("/lead-rotations/" + id + "/next-users", new JsonObject().put("count", n)));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      JsonArray picks = r.bodyAsJsonObject().getJsonArray("picks");
      for (int i = 0; i < picks.size(); i++) {
        sequences.add(picks.getJsonObject(i).getLong("sequence"));
      }
    }
    return sequences;
  }

  /** Waits until the assignment log holds {@code count} picks of the rotation. */
  private void awaitLogged(long id, long count) throws Exception {
    long deadline = System.currentTimeMillis() + 15_000;
    long total = -1;
    while (total < count && System.currentTimeMillis() < deadline) {
      total = await(api.get("/lead-rotations/" + id + "/assignments?limit=1")).bodyAsJsonObject().getLong("total");
      if (total < count) {
        Thread.sleep(20);
      }
    }
    assertThat(total).isEqualTo(count);
  }

  @Test
  void aResumedStreamReplaysThePicksAfterTheLastIdThenGoesOnLive() throws Exception {
    long id = rotation("ann@example.com", "bob@example.com");
    assertThat(pick(id, 5)).containsExactly(1L, 2L, 3L, 4L, 5L);
    awaitLogged(id, 5);
    SseStream stream = await(SseStream.open(client, node.port(), id, token, "2311", "2"));
    assertThat(stream.response().statusCode()).isEqualTo(200);
    List<JsonObject> replayed = stream.picks(3);
    assertThat(replayed).extracting(p -> p.getLong("sequence")).containsExactly(3L, 4L, 5L);
    assertThat(replayed).extracting(p -> p.getString("email"))
        .containsExactly("ann@example.com", "bob@example.com", "ann@example.com");
    assertThat(replayed.get(0).getString("name")).isNotNull();
    assertThat(replayed.get(0).getJsonArray("skipped")).isEmpty();

    List<Long> live = pick(id, 2);
    assertThat(stream.picks(5)).extracting(p -> p.getLong("sequence")).containsExactly(3L, 4L, 5L, 6L, 7L);
    assertThat(live).containsExactly(6L, 7L);
    assertThat(SseStream.ids(stream.text())).containsExactly(3L, 4L, 5L, 6L, 7L);
  }

  @Test
  void picksMadeWhileAStreamResumesArriveOnceEachWhetherOrNotTheLogHasThemYet() throws Exception {
    long id = rotation("ann@example.com", "bob@example.com");
    pick(id, 3);
    awaitLogged(id, 3);
    // picks answered just before and while the stream resumes: some are in the log when it is read, some only
    // in the live batches, some in both
    CompletableFuture<List<Long>> during = CompletableFuture.supplyAsync(() -> {
      try {
        return pick(id, 40);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    List<Long> before = pick(id, 20);
    SseStream stream = await(SseStream.open(client, node.port(), id, token, "2311", "3"));
    List<Long> made = new ArrayList<>(before);
    made.addAll(during.get(30, TimeUnit.SECONDS));
    made.addAll(pick(id, 20));
    long last = 3 + made.size();
    List<JsonObject> seen = stream.picks(made.size());
    Thread.sleep(300); // nothing more may arrive: a duplicate would show here
    assertThat(SseStream.ids(stream.text())).containsExactlyElementsOf(LongStream.rangeClosed(4, last).boxed().toList());
    assertThat(seen).hasSize(made.size());
  }

  @Test
  void aPickAnnouncedBeforeTheStreamResumedButNotYetInTheLogIsNotLost() throws Exception {
    await(node.app.stop());
    node = await(TestApp.start(vertx, store, "--flush-interval-ms", "3000")); // the log lags up to 3 s
    api = new Api(vertx, node.port(), token, "2311");
    long id = rotation("ann@example.com", "bob@example.com");
    pick(id, 2);
    awaitLogged(id, 2);
    // a pick whose live announcement went out before the resumed stream subscribes, while the log lacks it
    SseStream watcher = await(SseStream.open(client, node.port(), id, token, "2311"));
    long logged = 2;
    long last = 2;
    for (int i = 0; i < 5 && logged == last; i++) {
      last = pick(id, 1).get(0);
      assertThat(watcher.picks((int) (last - 2))).hasSize((int) (last - 2)); // announced
      logged = await(api.get("/lead-rotations/" + id + "/assignments?limit=1")).bodyAsJsonObject().getLong("total");
    }
    assertThat(logged).as("picks announced but not yet in the log").isLessThan(last);
    SseStream resumed = await(SseStream.open(client, node.port(), id, token, "2311", "2"));
    List<JsonObject> seen = resumed.picks((int) (last - 2));
    assertThat(seen).extracting(p -> p.getLong("sequence"))
        .containsExactlyElementsOf(LongStream.rangeClosed(3, last).boxed().toList());
    long next = pick(id, 1).get(0);
    assertThat(resumed.picks((int) (next - 2))).extracting(p -> p.getLong("sequence"))
        .containsExactlyElementsOf(LongStream.rangeClosed(3, next).boxed().toList());
  }

  @Test
  void moreThanAThousandPicksToReplayAreCountedAsDroppedAndTheNewestReplayed() throws Exception {
    long id = rotation("ann@example.com");
    pick(id, 1_005);
    awaitLogged(id, 1_005);
    SseStream stream = await(SseStream.open(client, node.port(), id, token, "2311", "1"));
    List<JsonObject> replayed = stream.picks(EventRoutes.MAX_REPLAY);
    assertThat(replayed).hasSize(EventRoutes.MAX_REPLAY);
    assertThat(replayed.get(0).getLong("sequence")).isEqualTo(6L);
    assertThat(replayed.get(replayed.size() - 1).getLong("sequence")).isEqualTo(1_005L);
    assertThat(SseStream.dropped(stream.text())).isEqualTo(4); // picks 2..5
    assertThat(stream.text().indexOf("event: dropped")).isLessThan(stream.text().indexOf("event: pick"));
  }

  @Test
  void aLivePickThatComesAfterAHigherIdIsShownWithoutAnIdSoIdsNeverGoDown() throws Exception {
    long id = rotation("ann@example.com");
    SseStream stream = await(SseStream.open(client, node.port(), id, token, "2311"));
    assertThat(stream.response().statusCode()).isEqualTo(200);
    // as owners publish them (PickEvents): a former owner's last batch arriving after the new owner's first
    for (long sequence : new long[] {5, 3, 6}) {
      vertx.eventBus().publish(io.leadrouter.owner.PickEvents.address(id), new JsonObject().put("picks",
          new JsonArray().add(new JsonObject().put("sequence", sequence).put("rotationId", id).put("userId", 1)
              .put("email", "ann@example.com").put("at", "2026-01-05T10:00:00Z").put("skipped", new JsonArray()))));
      stream.picks((int) (sequence == 6 ? 3 : sequence == 3 ? 2 : 1));
    }
    assertThat(stream.picks(3)).extracting(p -> p.getLong("sequence")).containsExactly(5L, 3L, 6L);
    assertThat(SseStream.ids(stream.text())).containsExactly(5L, 6L);
  }

  @Test
  void aBadLastEventIdIs400NamingTheHeader() throws Exception {
    long id = rotation("ann@example.com");
    for (String bad : List.of("abc", "-1", "1.5")) {
      HttpResponse<Buffer> r = await(api.request(HttpMethod.GET, "/lead-rotations/" + id + "/events")
          .putHeader("last-event-id", bad).send());
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
      assertThat(error.getString("message")).startsWith("Last-Event-ID:").contains(bad);
    }
  }

  @Test
  void aFallbackPickOfAnotherRotationCarriesNoIdAndResumeStaysOnTheRotationsOwnSequences() throws Exception {
    long backup = rotation("bob@example.com");
    assertThat(await(api.post("/users", new JsonObject().put("email", "ann@example.com"))).statusCode()).isEqualTo(201);
    long front = await(api.createRotation(new JsonObject().put("name", "Front").put("members", new JsonArray()
        .add(new JsonObject().put("email", "ann@example.com").put("paused", true)))
        .put("fallback", new JsonObject().put("rotationId", backup)))).getLong("id");
    pick(backup, 7); // the backup's own sequences run ahead of the front's
    SseStream frontStream = await(SseStream.open(client, node.port(), front, token, "2311"));
    JsonObject fallback = await(api.get("/lead-rotations/" + front + "/next-user")).bodyAsJsonObject();
    assertThat(fallback.getLong("sequence")).isEqualTo(8L);
    List<JsonObject> picks = frontStream.picks(1);
    assertThat(picks).hasSize(1);
    assertThat(picks.get(0).getLong("fallbackFrom")).isEqualTo(front);
    assertThat(frontStream.text()).contains("event: pick\ndata: ").doesNotContain("id: ");

    // the front's own picks resume, after the fallback, with the front's own sequences
    long ann = Long.parseLong(await(api.get("/lead-rotations/" + front)).bodyAsJsonObject().getJsonArray("members")
        .getJsonObject(0).getString("userId"));
    assertThat(await(api.patch("/lead-rotations/" + front + "/members/" + ann, new JsonObject().put("paused", false)))
        .statusCode()).isEqualTo(200);
    List<Long> own = pick(front, 2);
    assertThat(frontStream.picks(3)).extracting(p -> p.getLong("sequence")).containsExactly(8L, own.get(0), own.get(1));
    assertThat(SseStream.ids(frontStream.text())).containsExactlyElementsOf(own);
    awaitLogged(front, 3); // the fallback pick is listed in the front's log too
    SseStream resumed = await(SseStream.open(client, node.port(), front, token, "2311", String.valueOf(own.get(0))));
    assertThat(resumed.picks(1)).extracting(p -> p.getLong("sequence")).containsExactly(own.get(1));
  }
}
