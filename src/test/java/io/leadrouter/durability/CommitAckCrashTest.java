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
 * {@code ack=commit}: {@code kill -9} of the single node under pick load loses no acknowledged pick. Every
 * sequence number a client was answered with is in the assignment log of the database afterwards, and the
 * stored position has reached the highest of them.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CommitAckCrashTest {

  private static final int LOOPS = 16;
  private static final Logger LOG = LoggerFactory.getLogger(CommitAckCrashTest.class);

  private String pgUri;

  @AfterEach
  void dropDatabase() {
    if (pgUri != null) {
      TestPostgres.dropDatabase(pgUri);
    }
  }

  @Test
  void killUnderLoadLosesNoAcknowledgedPick(Vertx vertx, @TempDir Path data) throws Exception {
    pgUri = TestPostgres.freshDatabaseUri();
    // a long flush interval: were picks answered before their commit, the last interval's would be lost
    String[] flags = {"--ack", "commit", "--flush-interval-ms", "2000", "--sequence-block", "500"};
    PickLoad load;
    long id;
    try (ServiceProcess service = Harness.start(pgUri, data, flags)) {
      Api api = Harness.api(vertx, service.awaitListening(Duration.ZERO));
      assertThat(Harness.logged(service, "picks answered once committed to the store (ack=commit)"))
          .as("start-up log says the mode:\n%s", Harness.log(service)).isTrue();
      id = Harness.createRotation(api);
      load = PickLoad.start(api, id, LOOPS, Long.MAX_VALUE);
      Harness.awaitUntil(() -> load.acks.size() >= 3_000 || !load.failures.isEmpty(), Duration.ofSeconds(60),
          () -> load.acks.size() + " picks");
      service.kill();
      load.stop();
      load.await(Duration.ofSeconds(30));
    }
    Set<Long> acked = new HashSet<>();
    long highest = 0;
    for (Ack a : load.acks) {
      assertThat(acked.add(a.sequence())).as("sequence %d answered twice", a.sequence()).isTrue();
      highest = Math.max(highest, a.sequence());
    }
    Set<Long> logged = new HashSet<>(Harness.loggedSequences(pgUri, id));
    List<Long> lost = acked.stream().filter(s -> !logged.contains(s)).sorted().toList();
    LOG.info("commit ack: {} picks answered before kill -9 (highest {}), {} in the log, {} answered but lost",
        acked.size(), highest, logged.size(), lost.size());
    assertThat(acked).as("picks answered before the kill").hasSizeGreaterThanOrEqualTo(3_000);
    assertThat(lost).as("answered picks missing from the log after kill -9").isEmpty();
    assertThat(Harness.storedProgress(pgUri, id)[1]).as("stored sequence").isGreaterThanOrEqualTo(highest);
  }
}
