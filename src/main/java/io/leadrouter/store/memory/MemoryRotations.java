package io.leadrouter.store.memory;

import static io.leadrouter.store.memory.MemoryTables.notFound;
import static io.leadrouter.store.memory.MemoryTables.page;

import io.leadrouter.rotation.RotationState;
import io.leadrouter.store.Assignment;
import io.leadrouter.store.NewRotation;
import io.leadrouter.store.Page;
import io.leadrouter.store.RotationFilter;
import io.leadrouter.store.RotationStore;
import io.leadrouter.store.StoredRotation;
import io.leadrouter.store.WriteBatch;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/** {@link RotationStore} over the in-memory tables. */
final class MemoryRotations implements RotationStore {

  private final MemoryTables db;

  MemoryRotations(MemoryTables db) {
    this.db = db;
  }

  @Override
  public Future<RotationState> createRotation(NewRotation r) {
    Instant now = db.clock.instant();
    RotationState state = new RotationState(db.ids.incrementAndGet(), r.accountId(), r.name(), r.status(),
        r.teamId(), r.members(), 0, 0, now, now, r.actor(), r.actor(), r.timeZone(), r.catchUp(), r.fallback(),
        r.followsTeam(), null);
    db.rotations.put(state.id(), new StoredRotation(state, 0));
    return Future.succeededFuture(state);
  }

  @Override
  public Future<StoredRotation> loadRotation(long id) {
    return Future.succeededFuture(db.rotations.get(id));
  }

  @Override
  public Future<Void> saveRotation(RotationState state) {
    StoredRotation updated = db.rotations.computeIfPresent(state.id(),
        (id, old) -> new StoredRotation(state, old.sequenceCeiling()));
    return updated == null ? notFound("rotation " + state.id()) : Future.succeededFuture();
  }

  @Override
  public Future<Void> deleteRotation(long id) {
    return db.rotations.remove(id) == null ? notFound("rotation " + id) : Future.succeededFuture();
  }

  @Override
  public Future<Page<RotationState>> listRotations(String accountId, RotationFilter f) {
    Predicate<RotationState> match = s -> s.accountId().equals(accountId)
        && (f.status() == null || s.status() == f.status())
        && (f.teamId() == null || f.teamId().equals(s.teamId()));
    List<RotationState> all = db.rotations.values().stream().map(StoredRotation::state).filter(match)
        .sorted(Comparator.comparingLong(RotationState::id)).toList();
    return Future.succeededFuture(page(all, f.limit(), f.offset()));
  }

  @Override
  public Future<Long> reserveSequences(long rotationId, long ceiling) {
    StoredRotation updated = db.rotations.computeIfPresent(rotationId,
        (id, old) -> new StoredRotation(old.state(), Math.max(old.sequenceCeiling(), ceiling)));
    return updated == null ? notFound("rotation " + rotationId) : Future.succeededFuture(updated.sequenceCeiling());
  }

  @Override
  public Future<Void> releaseSequences(List<SequenceRelease> releases) {
    for (SequenceRelease r : releases) {
      db.rotations.computeIfPresent(r.rotationId(), (id, old) -> old.state().sequence() == r.sequence()
          && old.sequenceCeiling() == r.expectedCeiling() ? new StoredRotation(old.state(), r.sequence()) : old);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> flush(WriteBatch batch) {
    db.flushes.incrementAndGet();
    for (WriteBatch.Progress p : batch.progress()) {
      db.progressWrites.incrementAndGet();
      // never move backwards: a retried, older batch must not undo a newer one
      db.rotations.computeIfPresent(p.rotationId(), (id, old) -> old.state().sequence() >= p.sequence() ? old
          : new StoredRotation(old.state().withProgress(p.position(), p.sequence(), p.ledger()), old.sequenceCeiling()));
    }
    for (Assignment a : batch.assignments()) {
      db.log.computeIfAbsent(a.rotationId(), id -> new ConcurrentSkipListMap<>()).putIfAbsent(a.sequence(), a);
    }
    return Future.succeededFuture();
  }
}
