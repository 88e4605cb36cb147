package io.leadrouter.owner;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.leadrouter.ops.Metrics;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Status;
import io.leadrouter.store.NewRotation;
import io.leadrouter.store.RotationStore;
import io.leadrouter.store.StoredRotation;
import io.leadrouter.store.pg.PgStore;
import io.leadrouter.store.pg.Postgres;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A graceful stop, or passivation, of thousands of active rotations on a real Postgres (see {@link TestPostgres}):
 * their unused sequence numbers go back a thousand rotations per statement, not one statement each all at
 * once (which, past the pool's wait queue, were refused with one WARN per rotation). A pool of 4 connections, as small as
 * it gets, so that thousands of statements at once would overflow its queue of 1,000 waiters.
 */
class GracefulStopReleaseTest {

  private static final int CHUNK = 250; // commands (activations) sent at once: well within the pool's queue
  private static Vertx vertx;
  private static String uri;
  private static PgStore pg;

  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final List<Logger> watched = List.of(logger(ActiveRotations.class), logger(SequenceBlock.class),
      logger(AckFromMemory.class));

  @BeforeAll
  static void openStore() throws Exception {
    vertx = Vertx.vertx();
    uri = TestPostgres.freshDatabaseUri();
    pg = Postgres.open(vertx, uri, 4).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void closeStore() throws Exception {
    if (pg != null) {
      pg.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
    TestPostgres.dropDatabase(uri);
  }

  @BeforeEach
  void watchLog() {
    lines.start();
    watched.forEach(l -> l.addAppender(lines));
  }

  @AfterEach
  void unwatchLog() {
    watched.forEach(l -> l.detachAppender(lines));
  }

  @Test
  void stopGivesEveryRotationsNumbersBackInBatchesAndTheNextOwnerContinuesRightAfter() throws Exception {
    int n = 2_200;
    List<Long> ids = createRotations(n);
    List<Integer> releaseBatches = Collections.synchronizedList(new ArrayList<>());
    Owner first = new Owner(counting(pg.rotations(), releaseBatches), 600_000);
    // rotation i makes 1 + i % 3 picks: the first activates it and reserves a block, the others use the block
    pickEach(first, ids, 1);
    List<Long> more = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < i % 3; k++) {
        more.add(ids.get(i));
      }
    }
    pickEach(first, more, 1);
    // another owner reserved above one rotation's block meanwhile: that reservation is not given back
    long fenced = ids.get(7);
    long othersCeiling = pg.rotations().reserveSequences(fenced, 5_000).await(10, TimeUnit.SECONDS);

    first.stop();

    assertThat(releaseBatches).containsExactly(1_000, 1_000, 200);
    assertThat(warnings()).isEmpty();
    List<StoredRotation> stopped = loadAll(ids);
    for (int i = 0; i < n; i++) {
      StoredRotation stored = stopped.get(i);
      assertThat(stored.state().sequence()).isEqualTo(1 + i % 3);
      assertThat(stored.sequenceCeiling()).isEqualTo(ids.get(i) == fenced ? othersCeiling : 1 + i % 3);
    }

    // the next node: each rotation's first pick continues right after its last acknowledged sequence
    Owner next = new Owner(pg.rotations(), 600_000);
    List<Long> picked = pickEach(next, ids, 1);
    for (int i = 0; i < n; i++) {
      assertThat(picked.get(i)).isEqualTo(ids.get(i) == fenced ? othersCeiling + 1 : 2 + i % 3);
    }
    assertThat(warnings()).singleElement().asString()
        .contains("rotation " + fenced + ": resuming after an unclean stop");
    next.stop();
  }

  @Test
  void passivationGivesManyIdleRotationsNumbersBackInBatchesAndTheyGoOnRightAfter() throws Exception {
    int n = 2_200;
    List<Long> ids = createRotations(n);
    List<Integer> releaseBatches = Collections.synchronizedList(new ArrayList<>());
    Owner owner = new Owner(counting(pg.rotations(), releaseBatches), 1); // idle after a millisecond
    pickEach(owner, ids, 1);
    owner.on(() -> owner.writeBehind.drain());
    Thread.sleep(20);

    owner.on(() -> owner.rotations.passivateIdle());

    assertThat(releaseBatches).containsExactly(1_000, 1_000, 200);
    assertThat(warnings()).isEmpty();
    for (StoredRotation stored : loadAll(ids)) {
      assertThat(stored.state().sequence()).isEqualTo(1);
      assertThat(stored.sequenceCeiling()).isEqualTo(1); // given back: the next activation has no gap
    }
    // activated afresh by their next pick, each continues right after its last sequence
    assertThat(pickEach(owner, ids, 1)).containsOnly(2L);
    owner.stop();
  }

  @Test
  void aFailedGiveBackIsOneSummaryLineAndTheNumbersStayReserved() throws Exception {
    int n = 1_200;
    List<Long> ids = createRotations(n);
    PgStore doomed = Postgres.open(vertx, uri, 4).await(30, TimeUnit.SECONDS);
    Owner owner = new Owner(doomed.rotations(), 600_000);
    pickEach(owner, ids, 1);
    owner.on(() -> owner.writeBehind.drain());
    doomed.close().await(10, TimeUnit.SECONDS); // every give-back statement now fails

    owner.on(() -> owner.rotations.releaseAll());

    List<String> warnings = warnings();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("could not give back the unused sequence numbers of 1200 of 1200 rotations")
        .contains("first error: ");
    for (StoredRotation stored : loadAll(ids)) {
      assertThat(stored.state().sequence()).isEqualTo(1);
      assertThat(stored.sequenceCeiling()).isGreaterThan(1); // still reserved: skipped, never repeated
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------------

  /** One owner's rotations on a context of its own, as {@link PartitionOwnerVerticle} builds them. */
  private static final class Owner {
    final Context context = vertx.getOrCreateContext();
    final WriteBehind writeBehind;
    final ActiveRotations rotations;

    /** {@code idleMillis}: how long unused before {@link ActiveRotations#passivateIdle} lets a rotation go. */
    Owner(RotationStore store, long idleMillis) {
      OwnerSettings settings = new OwnerSettings(1, 100_000, 1_000, 50, 100, idleMillis, "test", false);
      writeBehind = new WriteBehind(vertx, store, "test", 100_000, 1_000, 50, Metrics.none());
      rotations = new ActiveRotations(new AckFromMemory(store, writeBehind), store, settings, Clock.systemUTC(),
          Metrics.none(), writeBehind, p -> true);
    }

    /** Runs {@code action} on the owner's context and waits for the future it returns. */
    <T> T on(Supplier<Future<T>> action) {
      CompletableFuture<T> done = new CompletableFuture<>();
      context.runOnContext(v -> action.get().onComplete(ar -> {
        if (ar.succeeded()) {
          done.complete(ar.result());
        } else {
          done.completeExceptionally(ar.cause());
        }
      }));
      try {
        return done.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }

    /** A graceful stop, as {@link PartitionOwnerVerticle#stop()} does it on a single node. */
    void stop() {
      on(() -> writeBehind.drain().compose(v -> rotations.releaseAll()));
    }
  }

  /** One pick of each rotation in {@code ids} (in chunks), waiting for all answers; their sequences. */
  private static List<Long> pickEach(Owner owner, List<Long> ids, int partition) throws Exception {
    List<Long> sequences = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += CHUNK) {
      List<OwnerFixture.Sent> sent = new ArrayList<>();
      for (long id : ids.subList(from, Math.min(from + CHUNK, ids.size()))) {
        sent.add(new OwnerFixture.Sent(OwnerFixture.pick(id)));
      }
      owner.on(() -> {
        sent.forEach(s -> owner.rotations.dispatch(partition, s));
        return Future.succeededFuture();
      });
      CompletableFuture.allOf(sent.stream().map(s -> s.answer).toArray(CompletableFuture[]::new))
          .get(30, TimeUnit.SECONDS);
      sent.forEach(s -> sequences.add(s.sequence()));
    }
    return sequences;
  }

  private static List<Long> createRotations(int n) throws Exception {
    List<Member> members = List.of(new Member(1, "a@example.com", "A", 2), new Member(2, "b@example.com", "B", 1));
    NewRotation rotation = new NewRotation(OwnerFixture.ACCOUNT, "r-" + UUID.randomUUID(), Status.ACTIVE, null,
        members, "test");
    List<Long> ids = new ArrayList<>();
    for (int from = 0; from < n; from += CHUNK) {
      List<Future<Long>> created = new ArrayList<>();
      for (int i = from; i < Math.min(from + CHUNK, n); i++) {
        created.add(pg.rotations().createRotation(rotation).map(r -> r.id()));
      }
      Future.all(created).await(30, TimeUnit.SECONDS);
      created.forEach(f -> ids.add(f.result()));
    }
    return ids;
  }

  private static List<StoredRotation> loadAll(List<Long> ids) throws Exception {
    List<StoredRotation> loaded = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += CHUNK) {
      List<Future<StoredRotation>> chunk = ids.subList(from, Math.min(from + CHUNK, ids.size())).stream()
          .map(id -> pg.rotations().loadRotation(id)).toList();
      Future.all(chunk).await(30, TimeUnit.SECONDS);
      chunk.forEach(f -> loaded.add(f.result()));
    }
    return loaded;
  }

  /** {@code inner}, noting the size of each give-back. */
  private static RotationStore counting(RotationStore inner, List<Integer> batches) {
    return (RotationStore) Proxy.newProxyInstance(RotationStore.class.getClassLoader(),
        new Class<?>[] {RotationStore.class}, (self, method, args) -> {
          if (method.getName().equals("releaseSequences")) {
            batches.add(((List<?>) args[0]).size());
          }
          try {
            return method.invoke(inner, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private List<String> warnings() {
    return lines.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  private static Logger logger(Class<?> type) {
    return (Logger) LoggerFactory.getLogger(type);
  }
}
