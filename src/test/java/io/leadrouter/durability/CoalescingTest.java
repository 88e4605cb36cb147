package io.leadrouter.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.durability.Harness.PickLoad;
import io.leadrouter.store.pg.PgStore;
import io.leadrouter.store.pg.Postgres;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Write-behind on a hot rotation: one progress update per flush, not per pick; every pick logged once. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CoalescingTest {

  private static final int PICKS = 5_000;
  private static final Logger LOG = LoggerFactory.getLogger(CoalescingTest.class);

  private String pgUri;
  private PgStore store;
  private Api api;

  @AfterEach
  void dropDatabase() {
    if (pgUri != null) {
      TestPostgres.dropDatabase(pgUri);
    }
  }

  @Test
  void manyPicksOnOneRotationCostFewPositionUpdates(Vertx vertx) throws Exception {
    pgUri = TestPostgres.freshDatabaseUri();
    store = Postgres.open(vertx, pgUri, 4).await(60, TimeUnit.SECONDS);
    TestApp node = TestApp.start(vertx, store, "--flush-interval-ms", "100").await(30, TimeUnit.SECONDS);
    api = Harness.api(vertx, node.port());
    long id = Harness.createRotation(api);
    long statementsBefore = store.statementsExecuted();

    PickLoad load = PickLoad.start(api, id, 16, PICKS);
    load.await(Duration.ofSeconds(90));
    assertThat(load.failures).isEmpty();
    assertThat(load.acks).hasSize(PICKS);
    node.app.stop().await(30, TimeUnit.SECONDS); // drains the write-behind

    long progressWrites = store.progressWrites();
    long statements = store.statementsExecuted() - statementsBefore;
    LOG.info("coalescing: {} picks, {} flushes, {} position updates, {} statements", PICKS, store.flushes(),
        progressWrites, statements);
    assertThat((double) progressWrites / PICKS).as("position updates per pick (%d updates)", progressWrites)
        .isLessThanOrEqualTo(0.05);
    // per flush one progress UPDATE and one multi-row INSERT; plus activation and sequence reservations
    assertThat((double) statements / PICKS).as("statements per pick (%d statements)", statements)
        .isLessThanOrEqualTo(0.1);
    assertThat(Harness.loggedSequences(pgUri, id)).hasSize(PICKS).doesNotHaveDuplicates();
    store.close().await(10, TimeUnit.SECONDS);
  }
}
