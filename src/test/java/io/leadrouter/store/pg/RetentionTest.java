package io.leadrouter.store.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.leads.pg.PgLeadStore;
import io.leadrouter.ops.RetentionVerticle;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The retention purge against a real Postgres: Idempotency-Keys past {@code idempotency-retention-hours}
 * and assignment-log picks and lead history entries past {@code history-retention-days} disappear, in
 * bounded batches; fresh ones stay. The service's clock is fixed, rows are written with times around it.
 */
@ExtendWith(VertxExtension.class)
class RetentionTest {

  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private String uri;
  private PgStore store;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    uri = TestPostgres.freshDatabaseUri();
    store = Postgres.open(vertx, uri, 2).await(60, TimeUnit.SECONDS);
    sql("INSERT INTO idempotency_key (account_id, scope, key, request_hash, status, body, created_at) VALUES "
        + "('a', 'leads', 'old-done', 'h', 201, '{}', " + at(Duration.ofHours(25)) + "), "
        + "('a', 'leads', 'fresh-done', 'h', 201, '{}', " + at(Duration.ofHours(23)) + ")");
    sql("INSERT INTO idempotency_key (account_id, scope, key, request_hash, created_at) VALUES "
        + "('a', 'next-user', 'old-unfinished', 'h', " + at(Duration.ofDays(3)) + "), "
        + "('a', 'next-user', 'fresh-unfinished', 'h', " + at(Duration.ofMinutes(1)) + ")");
    // 12,000 old picks: more than two batches
    sql("INSERT INTO assignment (rotation_id, account_id, sequence, user_id, email, position, picked_at) "
        + "SELECT 7, 'a', s, 1, 'ann@example.com', 0, " + at(Duration.ofDays(91)) + " FROM generate_series(1, 12000) s");
    sql("INSERT INTO assignment (rotation_id, account_id, sequence, user_id, email, position, picked_at) VALUES "
        + "(7, 'a', 12001, 1, 'ann@example.com', 0, " + at(Duration.ofDays(89)) + ")");
    sql("INSERT INTO lead (id, account_id, rotation_id, sequence, owner_user_id, owner, fields, agents, created_at, "
        + "created_by, updated_at, last_modified_by) VALUES (100, 'a', 7, 1, 1, 'ann@example.com', '{}', '[]', "
        + at(Duration.ofDays(200)) + ", 'token:x', " + at(Duration.ofDays(1)) + ", 'ops')");
    sql("INSERT INTO lead_event (lead_id, at, kind, from_agents, to_agents, by_caller) VALUES "
        + "(100, " + at(Duration.ofDays(200)) + ", 'assigned', '[]', '[]', 'token:x'), "
        + "(100, " + at(Duration.ofDays(1)) + ", 'reassigned', '[]', '[]', 'ops')");
  }

  @AfterEach
  void stop() throws Exception {
    store.close().await(30, TimeUnit.SECONDS);
    TestPostgres.dropDatabase(uri);
  }

  /** Keys kept 24 h, the history {@code history}. */
  private RetentionVerticle retention(Duration history, Duration interval) {
    return new RetentionVerticle(store.assignmentLog(), new PgLeadStore(store.client()), CLOCK, Duration.ofHours(24),
        history, interval);
  }

  @Test
  void keysAndHistoryPastTheirRetentionDisappearAndFreshOnesStay() throws Exception {
    RetentionVerticle retention = retention(Duration.ofDays(90), Duration.ofSeconds(600));

    RetentionVerticle.Purged purged = retention.purge().await(60, TimeUnit.SECONDS);

    assertThat(purged).isEqualTo(new RetentionVerticle.Purged(2, 12_000, 1));
    assertThat(strings("SELECT key FROM idempotency_key ORDER BY key")).containsExactly("fresh-done", "fresh-unfinished");
    assertThat(strings("SELECT sequence::text FROM assignment")).containsExactly("12001");
    assertThat(strings("SELECT kind FROM lead_event")).containsExactly("reassigned");
    assertThat(strings("SELECT id::text FROM lead")).as("leads themselves stay").containsExactly("100");
    assertThat(retention.purge().await(60, TimeUnit.SECONDS)).isEqualTo(new RetentionVerticle.Purged(0, 0, 0));
  }

  @Test
  void zeroDaysKeepsTheHistoryForeverAndTheKeysStillExpire() throws Exception {
    RetentionVerticle retention = retention(Duration.ZERO, Duration.ofSeconds(600));

    assertThat(retention.purge().await(60, TimeUnit.SECONDS)).isEqualTo(new RetentionVerticle.Purged(2, 0, 0));
    assertThat(strings("SELECT count(*)::text FROM assignment")).containsExactly("12001");
    assertThat(strings("SELECT count(*)::text FROM lead_event")).containsExactly("2");
  }

  @Test
  void theTimerPurgesWithoutBeingAsked(Vertx vertx) throws Exception {
    vertx.deployVerticle(retention(Duration.ofDays(90), Duration.ofMillis(200))).await(30, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!strings("SELECT count(*)::text FROM assignment").equals(List.of("1"))) {
      assertThat(System.nanoTime()).as("purged within 30 s").isLessThan(deadline);
      Thread.sleep(100);
    }
    assertThat(strings("SELECT key FROM idempotency_key ORDER BY key")).containsExactly("fresh-done", "fresh-unfinished");
  }

  @Test
  void aNodePurgesEveryPurgeInterval(Vertx vertx) throws Exception {
    Instant now = Instant.now();
    sql("INSERT INTO idempotency_key (account_id, scope, key, request_hash, status, body, created_at) VALUES "
        + "('a', 'leads', 'node-old', 'h', 201, '{}', '" + now.minus(Duration.ofHours(3)) + "'::timestamptz), "
        + "('a', 'leads', 'node-fresh', 'h', 201, '{}', '" + now.minus(Duration.ofMinutes(30)) + "'::timestamptz)");
    TestApp node = TestApp.start(vertx, store, "--idempotency-retention-hours", "2", "--purge-interval-seconds", "1")
        .await(60, TimeUnit.SECONDS);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (strings("SELECT key FROM idempotency_key WHERE key = 'node-old'").size() > 0) {
        assertThat(System.nanoTime()).as("purged by the node within 30 s").isLessThan(deadline);
        Thread.sleep(100);
      }
      assertThat(strings("SELECT key FROM idempotency_key WHERE key LIKE 'node-%'")).containsExactly("node-fresh");
    } finally {
      node.app.stop().await(30, TimeUnit.SECONDS);
    }
  }

  private static String at(Duration ago) {
    return "'" + NOW.minus(ago) + "'::timestamptz";
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = Postgres.connectJdbc(uri); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private List<String> strings(String query) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = Postgres.connectJdbc(uri); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
