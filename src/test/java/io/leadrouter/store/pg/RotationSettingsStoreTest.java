package io.leadrouter.store.pg;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.RetentionPolicy.RUNTIME;
import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.rotation.Caps;
import io.leadrouter.rotation.Fallback;
import io.leadrouter.rotation.Ledger;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.rotation.SkipReason;
import io.leadrouter.rotation.Status;
import io.leadrouter.store.Assignment;
import io.leadrouter.store.NewRotation;
import io.leadrouter.store.Storage;
import io.leadrouter.store.WriteBatch;
import io.leadrouter.store.WriteBatch.Progress;
import io.leadrouter.store.memory.InMemoryStore;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The people-related columns of rotations, members and the assignment log (migration V4), against both
 * stores: settings and member settings round-trip, the ledger is written by the flush under the same
 * sequence guard as the position, and log rows keep skipped, repayment and fallbackFrom.
 */
@ExtendWith(VertxExtension.class)
class RotationSettingsStoreTest {

  private static final Instant T0 = Instant.parse("2026-03-02T09:15:00Z");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Retention(RUNTIME)
  @Target(METHOD)
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory", "postgres"})
  @interface BothStores {}

  private static String uri;
  private static PgStore pg;
  private static InMemoryStore memory;

  @BeforeAll
  static void openStores(Vertx vertx, VertxTestContext ctx) {
    uri = TestPostgres.freshDatabaseUri();
    memory = new InMemoryStore();
    Postgres.open(vertx, uri, 2).onComplete(ctx.succeeding(store -> {
      pg = store;
      ctx.completeNow();
    }));
  }

  @AfterAll
  static void closeStores() throws Exception {
    if (pg != null) {
      pg.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    TestPostgres.dropDatabase(uri);
  }

  private static Storage store(String kind) {
    return kind.equals("postgres") ? pg : memory;
  }

  private static final List<Member> MEMBERS = List.of(
      new Member(10, "alice@x.io", "alice", 2, false, new Caps(3, null, 20)),
      new Member(20, "bob@x.io", null, 1, true, Caps.NONE),
      new Member(30, "carol@x.io", "carol", 5, false, new Caps(null, 8, null)));

  private static final Ledger LEDGER = new Ledger(Instant.parse("2026-03-02T08:00:00Z"), LocalDate.parse("2026-03-02"),
      LocalDate.parse("2026-03-02"), Map.of(10L, new Ledger.Counts(2, 4, 11), 30L, new Ledger.Counts(0, 7, 7)),
      Map.of(20L, 3), true);

  @BothStores
  void settingsAndMemberSettingsLoadAsCreatedAndSaved(String kind, VertxTestContext ctx) {
    Storage store = store(kind);
    String account = "acct-" + UUID.randomUUID();
    store.rotations().createRotation(new NewRotation(account, "West", Status.ACTIVE, 5L, MEMBERS, "admin", BERLIN,
            true, Fallback.rotation(99), true))
        .compose(created -> store.rotations().loadRotation(created.id()).compose(loaded -> {
          assertThat(loaded.state()).isEqualTo(created);
          assertThat(created.members()).isEqualTo(MEMBERS);
          assertThat(created.timeZone()).isEqualTo(BERLIN);
          assertThat(created.catchUp()).isTrue();
          assertThat(created.fallback()).isEqualTo(Fallback.rotation(99));
          assertThat(created.followsTeam()).isTrue();
          RotationState changed = created.withSettings(ZoneOffset.UTC, false, Fallback.user(10), false)
              .withProgress(2, 7, LEDGER);
          return store.rotations().saveRotation(changed)
              .compose(v -> store.rotations().loadRotation(created.id()))
              .map(again -> {
                assertThat(again.state()).isEqualTo(changed);
                assertThat(again.state().ledger()).isEqualTo(LEDGER);
                return null;
              });
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @BothStores
  void theFlushWritesTheLedgerWithThePositionAndARetriedOlderBatchNeverMovesItBack(String kind,
      VertxTestContext ctx) {
    Storage store = store(kind);
    String account = "acct-" + UUID.randomUUID();
    Ledger older = new Ledger(LEDGER.hour(), LEDGER.day(), LEDGER.week(), Map.of(10L, new Ledger.Counts(1, 1, 1)),
        Map.of(), false);
    store.rotations().createRotation(new NewRotation(account, "West", Status.ACTIVE, null, MEMBERS, "admin"))
        .compose(r -> {
          Assignment skipped = new Assignment(r.id(), account, 1, 10, "alice@x.io", 0, T0, "req-1", "n1",
              List.of(new Rotation.Skip(20, SkipReason.PAUSED), new Rotation.Skip(30, SkipReason.CAP_DAY)), true, 77L);
          Assignment plain = new Assignment(r.id(), account, 2, 30, "carol@x.io", 1, T0.plusSeconds(1), "req-2", "n1");
          WriteBatch first = new WriteBatch(List.of(new Progress(r.id(), 1, 1, older)), List.of(skipped));
          WriteBatch second = new WriteBatch(List.of(new Progress(r.id(), 2, 2, LEDGER)), List.of(plain));
          return store.rotations().flush(first).compose(v -> store.rotations().flush(second))
              .compose(v -> store.rotations().flush(first)) // retried: changes nothing
              .compose(v -> store.rotations().loadRotation(r.id()))
              .compose(loaded -> {
                assertThat(loaded.state().sequence()).isEqualTo(2);
                assertThat(loaded.state().position()).isEqualTo(2);
                assertThat(loaded.state().ledger()).isEqualTo(LEDGER);
                return store.assignmentLog().listAssignments(r.id(), null, null, null, 10, 0);
              })
              .map(page -> {
                assertThat(page.items()).containsExactly(plain, skipped);
                return null;
              });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void rowsWrittenBeforeTheMigrationReadWithTheDefaults(VertxTestContext ctx) throws Exception {
    String account = "acct-" + UUID.randomUUID();
    long id;
    try (var c = Postgres.connectJdbc(uri); var s = c.createStatement()) {
      var rs = s.executeQuery("INSERT INTO rotation (account_id, name, status, created_at, updated_at)"
          + " VALUES ('" + account + "', 'old', 'active', now(), now()) RETURNING id");
      rs.next();
      id = rs.getLong(1);
      s.execute("INSERT INTO rotation_member (rotation_id, ord, user_id, email, name, weight) VALUES ("
          + id + ", 0, 10, 'alice@x.io', 'alice', 3)");
    }
    pg.rotations().loadRotation(id).map(loaded -> {
      RotationState s = loaded.state();
      assertThat(s.members()).containsExactly(new Member(10, "alice@x.io", "alice", 3));
      assertThat(s.timeZone()).isEqualTo(ZoneOffset.UTC);
      assertThat(s.catchUp()).isFalse();
      assertThat(s.fallback()).isNull();
      assertThat(s.followsTeam()).isFalse();
      assertThat(s.ledger()).isEqualTo(Ledger.EMPTY);
      return null;
    }).onComplete(ctx.succeedingThenComplete());
  }
}
