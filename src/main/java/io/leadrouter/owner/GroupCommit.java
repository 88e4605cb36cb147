package io.leadrouter.owner;

import io.leadrouter.rotation.Member;
import io.leadrouter.store.Assignment;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicated acknowledgement with group commit (cluster mode). A pick is applied in memory at once, so the
 * next pick of the same rotation can be decided right away, but answered only after the replica holds it.
 * The picks of a rotation that arrive in the same event-loop turn, or while its previous round is in flight,
 * travel together: one append, one round trip to the backup member, acknowledges all of them. At most one
 * round per rotation is in flight, so appends reach the replica in sequence order.
 *
 * <p>A failed round (fenced by a new owner, minority side of a split, no backup answer) fails its picks and
 * every pick applied after them: none of them was acknowledged, and the rotation leaves memory, so the next
 * command reactivates it from the replica, which holds exactly the acknowledged history.
 *
 * <p>Confined to the owner's event loop.
 */
final class GroupCommit {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  /** What the owner does when a rotation's replica traffic settles. */
  interface Owner {
    /** Nothing in flight or waiting for this rotation any more. */
    void replicaIdle(long id, Slot slot);

    /** A round failed; its picks and the waiting ones have been failed already. */
    void replicaFailed(long id, Slot slot, Throwable cause);
  }

  private final Context context;
  private final Replica replica;
  private final WriteBehind writeBehind;
  private final Owner owner;
  private final List<Long> dirtyIds = new ArrayList<>();
  private final List<Slot> dirtySlots = new ArrayList<>();
  private final List<Promise<Void>> idleWaiters = new ArrayList<>();
  private boolean scheduled;
  private int unacknowledged;

  GroupCommit(Context context, Replica replica, WriteBehind writeBehind, Owner owner) {
    this.context = context;
    this.replica = replica;
    this.writeBehind = writeBehind;
    this.owner = owner;
  }

  /** Picks applied in memory and not yet acknowledged (waiting or in flight). */
  int unacknowledged() {
    return unacknowledged;
  }

  /** Queues a pick already applied to the slot's rotation; it is answered when its round completes. */
  void add(long id, Slot slot, Slot.Pending pending) {
    slot.batch.add(pending);
    unacknowledged++;
    if (slot.replicating || slot.dirty) {
      return; // goes with the round after the one in flight, or with this turn's round
    }
    slot.dirty = true;
    dirtyIds.add(id);
    dirtySlots.add(slot);
    if (!scheduled) {
      scheduled = true;
      context.runOnContext(v -> startRounds()); // after the rest of this turn's messages
    }
  }

  private void startRounds() {
    scheduled = false;
    for (int i = 0; i < dirtySlots.size(); i++) {
      Slot slot = dirtySlots.get(i);
      slot.dirty = false;
      if (!slot.replicating && !slot.batch.isEmpty()) {
        round(dirtyIds.get(i), slot);
      }
    }
    dirtyIds.clear();
    dirtySlots.clear();
  }

  private void round(long id, Slot slot) {
    List<Slot.Pending> picks = slot.batch;
    slot.batch = new ArrayList<>();
    Slot.Pending last = picks.get(picks.size() - 1);
    long to = last.picked().sequence();
    List<Assignment> rows = new ArrayList<>(picks.size());
    for (Slot.Pending p : picks) {
      rows.add(writeBehind.row(p.picked()));
    }
    slot.replicating = true;
    Future<Void> sent;
    try {
      sent = replica.append(id, slot.epoch, slot.replicated, to, last.after().position(), slot.scheduleKey, rows);
    } catch (RuntimeException e) {
      // a replica must answer with a failed future; should one throw, the round still ends and answers
      sent = Future.failedFuture(new ReplicaException(ReplicaException.Kind.UNAVAILABLE,
          "the picks could not be sent to the replica; nothing was acknowledged — retry", e));
    }
    sent.onComplete(ar -> {
      slot.replicating = false;
      unacknowledged -= picks.size();
      if (ar.succeeded()) {
        slot.replicated = to;
        for (int i = 0; i < picks.size(); i++) {
          Slot.Pending p = picks.get(i);
          writeBehind.add(p.picked(), rows.get(i));
          slot.picks.increment();
          p.message().reply(new PickReply(p.picked(), p.after()), Messages.OPTIONS);
        }
        if (!slot.batch.isEmpty()) {
          round(id, slot);
        } else {
          owner.replicaIdle(id, slot);
        }
      } else {
        LOG.info("rotation {}: {} picks from sequence {} not acknowledged: {}", id,
            picks.size() + slot.batch.size(), picks.get(0).picked().sequence(), ar.cause().getMessage());
        picks.forEach(p -> Messages.fail(p.message(), ar.cause()));
        unacknowledged -= slot.batch.size();
        slot.batch.forEach(p -> Messages.fail(p.message(), ar.cause()));
        slot.batch.clear();
        owner.replicaFailed(id, slot, ar.cause());
      }
      if (unacknowledged == 0 && !idleWaiters.isEmpty()) {
        List<Promise<Void>> done = new ArrayList<>(idleWaiters);
        idleWaiters.clear();
        done.forEach(Promise::complete);
      }
    });
  }

  /**
   * Records a new position (and schedule) with no pick, fenced like a pick: a configuration change is
   * acknowledged only while this member still owns the rotation. Only when no round is in flight.
   */
  Future<Void> touch(long id, Slot slot, int position, long scheduleKey) {
    return replica.append(id, slot.epoch, slot.replicated, slot.replicated, position, scheduleKey, List.of());
  }

  /** After a flush: the replica may drop the log entries the store now has. */
  void trim(List<Assignment> flushed, Map<Long, Slot> slots) {
    Map<Long, Long> upTo = new HashMap<>();
    for (Assignment a : flushed) {
      upTo.merge(a.rotationId(), a.sequence(), Math::max);
    }
    upTo.forEach((id, sequence) -> {
      Slot slot = slots.get(id);
      if (slot != null && !slot.gone && slot.epoch != 0) {
        replica.trim(id, slot.epoch, sequence); // best effort: a newer owner trims after its own flush
      }
    });
  }

  /** Completes once no pick waits for the replica (graceful stop). */
  Future<Void> idle() {
    if (unacknowledged == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    idleWaiters.add(p);
    return p.future();
  }

  /**
   * Identifies the schedule a position belongs to (members and weights, in order): a position taken from
   * the replica is used only with the schedule it was recorded for.
   */
  static long scheduleKey(List<Member> members) {
    long h = 0x9E3779B97F4A7C15L;
    for (Member m : members) {
      h = mix(h ^ m.userId());
      h = mix(h ^ m.weight());
    }
    return h;
  }

  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }
}
