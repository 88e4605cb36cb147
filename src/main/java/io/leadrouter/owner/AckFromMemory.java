package io.leadrouter.owner;

import io.leadrouter.rotation.Rotation.UserPicked;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.store.RotationStore;
import io.leadrouter.store.StoredRotation;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single node: a pick is acknowledged once it is applied in memory and queued for write-behind (written to
 * the store within one flush interval); rotations load from the store; configuration changes are written
 * straight through. Nothing is ever waiting, so every rotation is always settled.
 */
final class AckFromMemory implements Acknowledgement {

  private static final Logger LOG = LoggerFactory.getLogger(AckFromMemory.class);

  private final RotationStore store;
  private final WriteBehind writeBehind;

  AckFromMemory(RotationStore store, WriteBehind writeBehind) {
    this.store = store;
    this.writeBehind = writeBehind;
  }

  @Override
  public Future<Loaded> load(long id, int partition) {
    return store.loadRotation(id).map(stored -> stored == null ? null : new Loaded(resume(id, stored), 0, 0));
  }

  /** Progress from the store: after an unclean stop, the numbers up to the reserved ceiling may be taken. */
  static RotationState resume(long id, StoredRotation stored) {
    RotationState state = stored.state();
    if (stored.sequenceCeiling() > state.sequence()) {
      LOG.warn("rotation {}: resuming after an unclean stop at sequence {}; numbers {}..{} skipped "
              + "(picks acknowledged among them but not yet flushed are missing from the assignment log)",
          id, stored.sequenceCeiling() + 1, state.sequence() + 1, stored.sequenceCeiling());
      state = state.withProgress(state.position(), stored.sequenceCeiling());
    }
    return state;
  }

  @Override
  public void attach(long id, Loaded loaded) {
  }

  @Override
  public void detach(long id) {
  }

  @Override
  public Future<Void> pick(long id, UserPicked picked, RotationState after) {
    writeBehind.add(picked, after.ledger());
    return Future.succeededFuture();
  }

  @Override
  public boolean settled(long id) {
    return true;
  }

  @Override
  public Future<Void> whenSettled(long id) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> save(long id, RotationState before, RotationState next) {
    return store.saveRotation(next);
  }

  @Override
  public Future<Void> delete(long id) {
    return writeBehind.drain().compose(v -> store.deleteRotation(id));
  }

  @Override
  public Future<Void> release(long id, Future<Void> numbersBack) {
    return numbersBack;
  }

  @Override
  public int buffered() {
    return writeBehind.backlog();
  }

  @Override
  public int unacknowledged() {
    return 0;
  }

  @Override
  public Future<Void> idle() {
    return Future.succeededFuture();
  }
}
