package io.leadrouter.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.durability.Harness.Ack;
import io.leadrouter.durability.Harness.PickLoad;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.ServiceProcess;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kill -9} of the single node under pick load, then a start on the same database. The promise: no
 * sequence number is handed out twice; the restart skips at most one reserved block (plus the picks that
 * were in flight) and says so; every pick acknowledged before the last flush interval is in the log.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrashTest {

  private static final int LOOPS = 8;
  private static final int BLOCK = 200;
  private static final long FLUSH_INTERVAL_MS = 100;
  private static final String FLUSH_MAX = "leadrouter_writebehind_flush_seconds_max";
  private static final Logger LOG = LoggerFactory.getLogger(CrashTest.class);

  private String pgUri;
  private Api api;

  @AfterEach
  void dropDatabase() {
    if (pgUri != null) {
      TestPostgres.dropDatabase(pgUri);
    }
  }

  @Test
  void killUnderLoadNeverReusesASequenceAndLosesAtMostTheLastFlushInterval(Vertx vertx, @TempDir Path data)
      throws Exception {
    pgUri = TestPostgres.freshDatabaseUri();
    String[] flags = {"--sequence-block", String.valueOf(BLOCK), "--flush-interval-ms", String.valueOf(FLUSH_INTERVAL_MS)};
    long id;
    PickLoad before;
    long killedAt;
    long window;
    try (ServiceProcess first = Harness.start(pgUri, data, flags)) {
      api = Harness.api(vertx, first.awaitListening(Duration.ZERO));
      id = Harness.createRotation(api);
      before = PickLoad.start(api, id, LOOPS, Long.MAX_VALUE);
      // several blocks deep, so the crash lands on a reservation made under load
      Harness.awaitUntil(() -> before.acks.size() >= 5 * BLOCK || !before.failures.isEmpty(), Duration.ofSeconds(60),
          () -> before.acks.size() + " picks");
      // the promise: a pick is written by the first flush that starts after it; flushes start every interval,
      // or when the one running ends if that takes longer. So a pick is stored at most one interval plus two
      // flush durations after its answer; the longest flush this process has seen, measured by itself.
      window = TimeUnit.MILLISECONDS.toNanos(FLUSH_INTERVAL_MS) + 2 * longestFlushNanos(api);
      killedAt = System.nanoTime();
      first.kill();
      before.stop();
      before.await(Duration.ofSeconds(30));
      assertThat(before.failures).as("failures before the kill")
          .allSatisfy(f -> assertThat(f.atNanos()).isGreaterThanOrEqualTo(killedAt));
    }
    Set<Long> acked = new HashSet<>();
    long maxAcked = 0;
    for (Ack a : before.acks) {
      assertThat(acked.add(a.sequence())).as("sequence %d acknowledged twice", a.sequence()).isTrue();
      maxAcked = Math.max(maxAcked, a.sequence());
    }
    Set<Long> logged = new HashSet<>(Harness.loggedSequences(pgUri, id));
    List<Long> lostOlderThanWindow = before.acks.stream()
        .filter(a -> a.atNanos() < killedAt - window && !logged.contains(a.sequence()))
        .map(Ack::sequence).toList();
    long missing = before.acks.stream().filter(a -> !logged.contains(a.sequence())).count();
    LOG.info("crash: {} picks acknowledged (highest {}), {} of them missing from the log; promised: all but the last {} ms",
        acked.size(), maxAcked, missing, TimeUnit.NANOSECONDS.toMillis(window));
    assertThat(lostOlderThanWindow).as("acknowledged more than %d ms before the kill but not in the log",
        TimeUnit.NANOSECONDS.toMillis(window)).isEmpty();

    try (ServiceProcess second = Harness.start(pgUri, data, flags)) {
      api = Harness.api(vertx, second.awaitListening(Duration.ZERO));
      PickLoad after = PickLoad.start(api, id, LOOPS, 400);
      after.await(Duration.ofSeconds(60));
      assertThat(after.failures).isEmpty();
      long firstAfter = after.acks.stream().mapToLong(Ack::sequence).min().orElseThrow();
      assertThat(after.acks).noneMatch(a -> acked.contains(a.sequence()));
      assertThat(firstAfter).isGreaterThan(maxAcked);
      // the ceiling was reserved at most one block above a number handed out, and at most one pick per loop
      // was handed out without its answer arriving
      LOG.info("crash: first sequence after the restart {}, {} numbers skipped", firstAfter, firstAfter - 1 - maxAcked);
      assertThat(firstAfter - 1 - maxAcked).as("numbers skipped").isLessThanOrEqualTo(BLOCK + LOOPS);
      String resumed = "rotation " + id + ": resuming after an unclean stop at sequence " + firstAfter + ";";
      assertThat(Harness.warned(second, resumed)).as("WARN '%s' in\n%s", resumed, Harness.log(second)).isTrue();
      assertThat(second.terminate()).isIn(0, 143);
      Set<Long> loggedAfter = new HashSet<>(Harness.loggedSequences(pgUri, id));
      assertThat(after.acks).allMatch(a -> loggedAfter.contains(a.sequence()));
    }
  }

  /** The longest write-behind flush of the service, from its Prometheus metrics. */
  private static long longestFlushNanos(Api api) throws Exception {
    double seconds = 0;
    for (String line : Harness.get(api, "/metrics").bodyAsString().split("\n")) {
      if (line.startsWith(FLUSH_MAX)) {
        seconds = Math.max(seconds, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return (long) (seconds * 1e9);
  }
}
