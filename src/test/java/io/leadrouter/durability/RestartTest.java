package io.leadrouter.durability;

import static io.leadrouter.durability.Harness.EMAILS;
import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.durability.Harness.Ack;
import io.leadrouter.durability.Harness.PickLoad;
import io.leadrouter.rotation.Schedule;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.ServiceProcess;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Graceful stop (SIGTERM) and start on the same database: nothing lost, nothing skipped, the schedule goes on. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestartTest {

  private static final int PICKS = 1_000;

  private String pgUri;
  private Api api;

  @AfterEach
  void dropDatabase() {
    if (pgUri != null) {
      TestPostgres.dropDatabase(pgUri);
    }
  }

  @Test
  void gracefulRestartContinuesSequenceAndScheduleWithTheWholeLog(Vertx vertx, @TempDir Path data) throws Exception {
    pgUri = TestPostgres.freshDatabaseUri();
    Schedule schedule = Schedule.of(Harness.WEIGHTS);
    long id;
    Ack last;
    try (ServiceProcess first = Harness.start(pgUri, data)) {
      api = Harness.api(vertx, first.awaitListening(Duration.ZERO));
      id = Harness.createRotation(api);
      PickLoad load = PickLoad.start(api, id, 8, PICKS);
      load.await(Duration.ofSeconds(60));
      assertThat(load.failures).isEmpty();
      Map<Long, Ack> bySequence = load.acks.stream().collect(Collectors.toMap(Ack::sequence, Function.identity()));
      assertThat(bySequence.keySet()).containsExactlyInAnyOrderElementsOf(
          LongStream.rangeClosed(1, PICKS).boxed().toList());
      bySequence.values().forEach(a -> assertThat(a.user()).as("pick %d", a.sequence())
          .isEqualTo(EMAILS.get(schedule.memberAt((int) ((a.sequence() - 1) % schedule.length())))));
      last = bySequence.get((long) PICKS);

      assertThat(first.terminate()).isIn(0, 143);
      assertThat(Harness.log(first)).contains("stopped cleanly, write-behind drained");
    }
    // a clean stop flushed everything and gave the unused reservation back
    assertThat(Harness.loggedSequences(pgUri, id)).containsExactlyElementsOf(
        LongStream.rangeClosed(1, PICKS).boxed().toList());
    assertThat(Harness.storedProgress(pgUri, id)).containsExactly(last.newPosition(), PICKS, PICKS);

    try (ServiceProcess second = Harness.start(pgUri, data)) {
      api = Harness.api(vertx, second.awaitListening(Duration.ZERO));
      JsonObject next = Harness.get(api, "/lead-rotations/" + id + "/next-user").bodyAsJsonObject();
      assertThat(next.getLong("sequence")).isEqualTo(PICKS + 1);
      assertThat(next.getInteger("currentPosition")).isEqualTo(last.newPosition());
      assertThat(next.getString("currentUser")).isEqualTo(last.nextUser())
          .isEqualTo(EMAILS.get(schedule.memberAt(PICKS % schedule.length())));
      assertThat(Harness.log(second)).doesNotContain("unclean stop");

      // history and fairness over the restored log (the newest pick shows up within one flush interval)
      Harness.awaitUntil(() -> Harness.loggedCount(pgUri, id) == PICKS + 1, Duration.ofSeconds(10),
          () -> "pick " + (PICKS + 1) + " in the log");
      JsonObject page = Harness.get(api, "/lead-rotations/" + id + "/assignments?limit=3").bodyAsJsonObject();
      assertThat(page.getLong("total")).isEqualTo(PICKS + 1);
      assertThat(page.getJsonArray("items").stream().map(o -> ((JsonObject) o).getLong("sequence")))
          .containsExactly((long) PICKS + 1, (long) PICKS, (long) PICKS - 1);
      JsonObject stats = Harness.get(api, "/lead-rotations/" + id + "/stats").bodyAsJsonObject();
      assertThat(stats.getLong("totalPicks")).isEqualTo(PICKS + 1);
      JsonArray members = stats.getJsonArray("members");
      long picked = 0;
      for (int i = 0; i < members.size(); i++) {
        JsonObject m = members.getJsonObject(i);
        assertThat(m.getDouble("expectedShare")).isEqualTo(Harness.WEIGHTS[i] / 7.0);
        assertThat(m.getString("email")).isEqualTo(EMAILS.get(i));
        assertThat(m.getLong("picks")).isEqualTo(picksOf(i, PICKS + 1, schedule));
        assertThat(m.getDouble("actualShare")).isEqualTo((double) m.getLong("picks") / (PICKS + 1));
        picked += m.getLong("picks");
      }
      assertThat(picked).isEqualTo(PICKS + 1);

      assertThat(second.terminate()).isIn(0, 143);
    }
    assertThat(Harness.storedProgress(pgUri, id)).containsExactly(next(last.newPosition(), schedule),
        PICKS + 1, PICKS + 1);
  }

  /** How often the first {@code picks} slots of the repeated schedule name {@code member}. */
  private static long picksOf(int member, int picks, Schedule schedule) {
    long n = 0;
    for (int i = 0; i < picks; i++) {
      if (schedule.memberAt(i % schedule.length()) == member) {
        n++;
      }
    }
    return n;
  }

  private static long next(int position, Schedule schedule) {
    return (position + 1) % schedule.length();
  }
}
