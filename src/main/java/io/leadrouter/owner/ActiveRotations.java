package io.leadrouter.owner;

import io.leadrouter.ops.Metrics;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.Rotation.Command;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.store.Store;
import io.leadrouter.store.StoreException;
import io.leadrouter.store.StoredRotation;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rotations one owner verticle holds in memory, and how their commands run. Confined to that verticle's
 * event loop: no locks. A command that needs the store (activation, a configuration write, a sequence
 * block) or the replica marks its rotation busy; commands arriving meanwhile queue behind it in order.
 *
 * <p>Picks are acknowledged from memory on a single node ({@code commits == null}) and once the replica
 * holds them in a cluster ({@link GroupCommit}). Configuration changes are acknowledged after the store
 * committed them (and, in a cluster, while this member still holds the rotation's epoch).
 */
final class ActiveRotations implements GroupCommit.Owner {

  private static final Logger LOG = LoggerFactory.getLogger(ActiveRotations.class);
  /** While the store is unreachable, a reservation is retried at most this often. */
  private static final long RESERVE_RETRY_MS = 500;

  private final Store store;
  private final OwnerSettings settings;
  private final Clock clock;
  private final Metrics metrics;
  private final WriteBehind writeBehind;
  private final Replica replica;
  private final GroupCommit commits;
  private final IntPredicate hosted;
  private final Map<Long, Slot> slots = new HashMap<>();

  /**
   * {@code replica} is null on a single node. {@code hosted} tells whether this node serves a partition
   * right now (a cluster member checks before claiming a rotation). {@code context}: the owner's.
   */
  ActiveRotations(Context context, Store store, OwnerSettings settings, Clock clock, Metrics metrics,
      WriteBehind writeBehind, Replica replica, IntPredicate hosted) {
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    this.metrics = metrics;
    this.writeBehind = writeBehind;
    this.replica = replica;
    this.commits = replica == null ? null : new GroupCommit(context, replica, writeBehind, this);
    this.hosted = hosted;
    if (commits != null) {
      writeBehind.onFlushed(rows -> commits.trim(rows, slots));
    }
  }

  /** Picks applied in memory but not yet acknowledged (waiting for the replica). */
  int unacknowledged() {
    return commits == null ? 0 : commits.unacknowledged();
  }

  /** Completes once no pick waits for the replica. */
  Future<Void> replicated() {
    return commits == null ? Future.succeededFuture() : commits.idle();
  }

  int size() {
    return slots.size();
  }

  /** Runs a command of a rotation in {@code partition}, activating the rotation first if needed. */
  void dispatch(int partition, Message<Command> message) {
    long id = message.body().rotationId();
    Slot slot = slots.get(id);
    if (slot == null) {
      slot = new Slot(partition);
      slots.put(id, slot);
      slot.queue.add(message);
      activate(id, slot);
    } else if (slot.busy) {
      slot.queue.add(message);
    } else {
      handle(id, slot, message);
    }
  }

  /** Activates a rotation with no command waiting (its replica holds picks the store does not have). */
  void activateIdle(long id, int partition) {
    if (!slots.containsKey(id)) {
      Slot slot = new Slot(partition);
      slots.put(id, slot);
      activate(id, slot);
    }
  }

  /**
   * The partition moved away: fail the waiting commands (their senders resend them to the new owner), let
   * picks already sent to the replica finish, then forget its rotations. Their acknowledged picks stay in
   * the write-behind buffer; the new owner took them over from the replica too (the flush is idempotent).
   */
  void leave(int partition) {
    List<Long> ids = new ArrayList<>();
    slots.forEach((id, slot) -> {
      if (slot.partition == partition) {
        ids.add(id);
      }
    });
    for (long id : ids) {
      Slot slot = slots.get(id);
      failAll(slot, moved(id));
      if (slot.replicaIdle()) {
        leaveMemory(id, slot);
      } else {
        slot.leaving = true; // leaves once its last round is done: see replicaIdle
      }
    }
  }

  /** Graceful stop in a cluster: whatever waits is resent to the next owner by its sender. */
  void failWaiting() {
    slots.forEach((id, slot) -> failAll(slot, moved(id)));
  }

  static ReplicaException moved(long id) {
    return new ReplicaException(ReplicaException.Kind.FENCED, "rotation " + id + " is now served by another member");
  }

  /** After a clean drain: gives unused sequence numbers back and, in a cluster, forgets the replica entries. */
  Future<Void> releaseAll() {
    List<Future<Void>> released = new ArrayList<>();
    slots.forEach((id, slot) -> {
      if (slot.rotation != null && !slot.rotation.deleted()) {
        released.add(release(id, slot));
      }
    });
    return Future.join(released).mapEmpty();
  }

  /**
   * Release, then forget: once the replica entry is gone the next owner starts from the store, which then
   * has the exact sequence. A claim that comes first keeps the entry (the forget is fenced).
   */
  private Future<Void> release(long id, Slot slot) {
    Future<Void> released = store.releaseSequences(id, slot.rotation.state().sequence(), slot.ceiling)
        .recover(e -> {
          // the numbers stay reserved: the next owner skips them, and gives out none of them twice
          LOG.warn("rotation {}: could not give back sequence numbers {}..{}: {}", id,
              slot.rotation.state().sequence() + 1, slot.ceiling, e.getMessage());
          return Future.succeededFuture();
        });
    if (replica == null) {
      return released;
    }
    return released.compose(v -> replica.forget(id, slot.epoch)).recover(e -> {
      // the entry stays: the next owner resumes from it, which holds exactly the acknowledged picks
      LOG.info("rotation {}: replica entry kept ({})", id, e.getMessage());
      return Future.succeededFuture();
    });
  }

  // ---- GroupCommit.Owner ------------------------------------------------------------------------------

  @Override
  public void replicaIdle(long id, Slot slot) {
    if (slot.leaving) {
      leaveMemory(id, slot);
    } else if (slot.awaitingReplica) {
      slot.awaitingReplica = false;
      ready(id, slot);
    }
  }

  @Override
  public void replicaFailed(long id, Slot slot, Throwable cause) {
    drop(id, slot, cause); // its memory ran ahead of the replica: the next command reactivates it
  }

  // ---- activation -------------------------------------------------------------------------------------

  private void activate(long id, Slot slot) {
    Future<RotationState> loaded = replica == null ? loadFromStore(id) : claimAndLoad(id, slot);
    loaded.onComplete(ar -> {
      if (slot.gone) {
        return;
      }
      if (ar.failed()) {
        drop(id, slot, ar.cause());
      } else if (ar.result() == null) {
        drop(id, slot, notFound(id));
      } else {
        RotationState state = ar.result();
        slot.rotation = new Rotation(state);
        slot.ceiling = state.sequence();
        slot.replicated = slot.rotation.state().sequence();
        slot.picks = metrics.picks(state.accountId());
        ready(id, slot);
      }
    });
  }

  private Future<RotationState> loadFromStore(long id) {
    return store.loadRotation(id).map(stored -> stored == null ? null : resume(id, stored));
  }

  /**
   * Cluster: claim the rotation in the replica first, then read its configuration from the store. Progress
   * comes from the replica when it holds some (exact: every acknowledged pick is there), else from the store;
   * the replica's unstored picks are queued for the store.
   */
  private Future<RotationState> claimAndLoad(long id, Slot slot) {
    if (!hosted.test(slot.partition)) {
      return Future.failedFuture(moved(id));
    }
    return replica.claim(id).compose(claim -> store.loadRotation(id).map(stored -> {
      if (stored == null) {
        replica.forget(id, claim.epoch());
        return null;
      }
      RotationState state = stored.state();
      long key = GroupCommit.scheduleKey(state.members());
      if (claim.seeded()) {
        int position = claim.scheduleKey() == key ? claim.position() : state.position();
        state = state.withProgress(position, Math.max(claim.sequence(), state.sequence()));
        writeBehind.restore(id, state.position(), state.sequence(), claim.pending());
      } else {
        state = resume(id, stored);
      }
      slot.epoch = claim.epoch();
      slot.scheduleKey = key;
      return state;
    }));
  }

  /** Progress from the store: after an unclean stop, the numbers up to the reserved ceiling may be taken. */
  private static RotationState resume(long id, StoredRotation stored) {
    RotationState state = stored.state();
    if (stored.sequenceCeiling() > state.sequence()) {
      LOG.warn("rotation {}: resuming after an unclean stop at sequence {}; numbers {}..{} skipped "
              + "(picks acknowledged among them but not yet flushed are missing from the assignment log)",
          id, stored.sequenceCeiling() + 1, state.sequence() + 1, stored.sequenceCeiling());
      state = state.withProgress(state.position(), stored.sequenceCeiling());
    }
    return state;
  }

  private void leaveMemory(long id, Slot slot) {
    slot.gone = true;
    slots.remove(id, slot);
  }

  /** Removes the slot and fails everything waiting in it. */
  private void drop(long id, Slot slot, Throwable cause) {
    leaveMemory(id, slot);
    failAll(slot, cause);
  }

  private static StoreException notFound(long id) {
    return new StoreException(StoreException.Kind.NOT_FOUND, "rotation " + id + " not found");
  }

  private static void failAll(Slot slot, Throwable cause) {
    while (!slot.queue.isEmpty()) {
      Messages.fail(slot.queue.poll(), cause);
    }
  }

  // ---- commands ---------------------------------------------------------------------------------------

  /** Marks the slot free and runs queued commands until one needs the store (or the replica) again. */
  private void ready(long id, Slot slot) {
    if (slot.gone) {
      return;
    }
    slot.busy = false;
    while (!slot.busy && !slot.queue.isEmpty()) {
      handle(id, slot, slot.queue.poll());
    }
    if (slot.rotation != null && slot.rotation.deleted() && slots.get(id) == slot) {
      drop(id, slot, notFound(id));
    }
  }

  private void handle(long id, Slot slot, Message<Command> message) {
    Command command = message.body();
    Rotation rotation = slot.rotation;
    slot.lastUsed = clock.millis();
    if (command instanceof Rotation.Get) {
      if (rotation.deleted() || !rotation.state().accountId().equals(command.accountId())) {
        Messages.fail(message, notFound(id));
      } else {
        message.reply(rotation.state(), Messages.OPTIONS);
      }
      return;
    }
    if (!(command instanceof Rotation.Pick) && commits != null && !slot.replicaIdle()) {
      // a configuration change waits until the replica holds every pick before it
      slot.busy = true;
      slot.awaitingReplica = true;
      slot.queue.addFirst(message);
      return;
    }
    Rotation.Decision decision = rotation.decide(command, clock.instant());
    if (!decision.accepted()) {
      Messages.fail(message, decision.rejection());
    } else if (decision.event() instanceof Rotation.UserPicked picked) {
      pick(id, slot, message, picked);
    } else {
      persist(id, slot, message, decision.event());
    }
  }

  private void pick(long id, Slot slot, Message<Command> message, Rotation.UserPicked picked) {
    if (picked.sequence() > slot.ceiling) {
      if (!slot.storeUnreachable) {
        // out of reserved numbers: wait for the next block, then decide again
        slot.busy = true;
        slot.awaitingBlock = true;
        slot.queue.addFirst(message);
        reserve(id, slot);
        return;
      }
      // the store is unreachable: serve above the reserved ceiling rather than refuse (the buffer bounds
      // it); only a crash of this node before the store returns could hand these numbers out again
      if (!slot.aboveCeiling) {
        slot.aboveCeiling = true;
        LOG.warn("rotation {}: the store is unreachable, handing out sequence numbers above the reserved "
            + "ceiling {} until it returns", id, slot.ceiling);
      }
    }
    int buffered = writeBehind.backlog() + (commits == null ? 0 : commits.unacknowledged());
    if (buffered >= settings.writeBufferMax()) {
      Messages.fail(message, new StoreException(StoreException.Kind.UNAVAILABLE, "write-behind buffer full ("
          + buffered + " picks not yet stored); the store is unreachable or too slow — retry later"));
      return;
    }
    slot.rotation.apply(picked);
    if (commits == null) {
      writeBehind.add(picked);
      slot.picks.increment();
      message.reply(new PickReply(picked, slot.rotation.state()), Messages.OPTIONS);
    } else {
      commits.add(id, slot, new Slot.Pending(message, picked, slot.rotation.state()));
    }
    if (!slot.reserving && slot.ceiling - picked.sequence() < settings.sequenceBlock() / 2
        && (!slot.storeUnreachable || clock.millis() - slot.reserveFailedAt > RESERVE_RETRY_MS)) {
      reserve(id, slot); // refill ahead so the hot path rarely waits
    }
  }

  private void reserve(long id, Slot slot) {
    if (slot.reserving) {
      return;
    }
    slot.reserving = true;
    long target = slot.rotation.state().sequence() + settings.sequenceBlock();
    store.reserveSequences(id, target).onComplete(ar -> {
      slot.reserving = false;
      if (ar.succeeded()) {
        slot.ceiling = Math.max(slot.ceiling, ar.result());
        if (slot.aboveCeiling && slot.ceiling >= slot.rotation.state().sequence()) {
          LOG.info("rotation {}: sequence numbers reserved again, up to {}", id, slot.ceiling);
        }
        slot.storeUnreachable = false;
        slot.aboveCeiling = false;
      } else {
        slot.storeUnreachable = ar.cause() instanceof StoreException e && e.kind() == StoreException.Kind.UNAVAILABLE;
        slot.reserveFailedAt = clock.millis();
      }
      // only a pick parked for a block resumes here: a slot busy with a configuration write (whose event
      // carries the sequence it was decided at) or a passivation stays busy until that completes
      boolean parked = slot.awaitingBlock;
      slot.awaitingBlock = false;
      if (slot.gone || !parked) {
        return;
      }
      if (ar.succeeded() || slot.storeUnreachable) {
        ready(id, slot); // an unreachable store: the waiting picks go on above the ceiling
      } else {
        LOG.warn("rotation {}: could not reserve sequence numbers: {}", id, ar.cause().getMessage());
        slot.busy = false;
        failAll(slot, ar.cause());
      }
    });
  }

  private void persist(long id, Slot slot, Message<Command> message, Rotation.Event event) {
    slot.busy = true;
    Future<Void> write;
    if (event instanceof Rotation.RotationDeleted) {
      write = writeBehind.drain().compose(v -> store.deleteRotation(id));
      if (replica != null) {
        write = write.onSuccess(v -> replica.forget(id, slot.epoch));
      }
    } else {
      RotationState next = event instanceof Rotation.RotationUpdated u ? u.next()
          : ((Rotation.StatusChanged) event).next();
      if (replica == null) {
        write = store.saveRotation(next);
      } else {
        // fenced before and after the store write: a member that lost the rotation neither saves nor
        // acknowledges the change, and the sender resends it to the new owner (the change is idempotent)
        long key = GroupCommit.scheduleKey(next.members());
        write = commits.touch(id, slot, slot.rotation.state().position(), slot.scheduleKey)
            .compose(v -> store.saveRotation(next))
            .compose(v -> commits.touch(id, slot, next.position(), key))
            .onSuccess(v -> slot.scheduleKey = key);
      }
    }
    write.onComplete(ar -> {
      if (ar.succeeded()) {
        RotationState before = slot.rotation.state();
        slot.rotation.apply(event);
        message.reply(event instanceof Rotation.RotationDeleted ? before : slot.rotation.state(), Messages.OPTIONS);
        ready(id, slot);
      } else if (ar.cause() instanceof ReplicaException) {
        Messages.fail(message, ar.cause());
        drop(id, slot, ar.cause()); // its memory may be stale now: the next command activates it again
      } else {
        Messages.fail(message, ar.cause());
        ready(id, slot);
      }
    });
  }

  // ---- passivation ------------------------------------------------------------------------------------

  /** Releases rotations unused for {@code idleMillis}; commands arriving meanwhile activate them afresh. */
  void passivateIdle() {
    long cutoff = clock.millis() - settings.idleMillis();
    List<Long> idle = new ArrayList<>();
    slots.forEach((id, slot) -> {
      if (!slot.busy && !slot.reserving && slot.queue.isEmpty() && slot.lastUsed < cutoff && slot.replicaIdle()
          && !writeBehind.hasPending(id)) {
        idle.add(id);
      }
    });
    for (Long id : idle) {
      Slot slot = slots.get(id);
      slot.busy = true;
      release(id, slot).onComplete(ar -> {
        leaveMemory(id, slot);
        if (!slot.queue.isEmpty() && hosted.test(slot.partition)) {
          Slot next = new Slot(slot.partition);
          next.queue.addAll(slot.queue);
          slots.put(id, next);
          activate(id, next);
        } else {
          failAll(slot, moved(id));
        }
      });
    }
    if (!idle.isEmpty()) {
      LOG.debug("passivating {} idle rotations, {} active", idle.size(), slots.size());
    }
  }
}
