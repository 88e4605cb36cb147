package io.leadrouter.owner;

import io.leadrouter.ops.Metrics;
import io.leadrouter.rotation.Rotation.UserPicked;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.rotation.Ledger;
import io.leadrouter.store.Assignment;
import io.leadrouter.store.RotationStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicated acknowledgement with group commit (cluster mode). A pick is applied in memory at once, so the
 * next pick of the same rotation can be decided right away, but acknowledged only after the replica holds it.
 * The picks of a rotation that arrive in the same event-loop turn, or while its previous round is in flight,
 * travel together: one append, one round trip to the backup member, acknowledges all of them. At most one
 * round per rotation is in flight, so appends reach the replica in sequence order.
 *
 * <p>A failed round (fenced by a new owner, minority side of a split, no backup answer) fails its picks and
 * every pick applied after them: none of them was acknowledged. The rotation's track ends with it; its
 * lifecycle drops the rotation from memory, so the next command reactivates it from the replica, which holds
 * exactly the acknowledged history.
 *
 * <p>Confined to the owner's event loop.
 */
final class GroupCommit implements Acknowledgement {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  private final Context context;
  private final Replica replica;
  private final RotationStore store;
  private final WriteBehind writeBehind;
  private final IntPredicate hosted;
  private final Metrics.ReplicationRounds rounds;
  private final Map<Long, ReplicaTrack> tracks = new HashMap<>();
  private final List<ReplicaTrack> dirty = new ArrayList<>();
  private final List<Promise<Void>> idleWaiters = new ArrayList<>();
  private boolean scheduled;
  private int unacknowledged;

  /** {@code hosted}: whether this member serves a partition right now (checked before claiming a rotation). */
  GroupCommit(Context context, Replica replica, RotationStore store, WriteBehind writeBehind, IntPredicate hosted,
      Metrics metrics) {
    this.context = context;
    this.rounds = metrics.replicationRounds();
    this.replica = replica;
    this.store = store;
    this.writeBehind = writeBehind;
    this.hosted = hosted;
    writeBehind.onFlushed(this::trim);
  }

  /**
   * Claim the rotation in the replica first, then read its configuration from the store. Progress comes from
   * the replica when it holds some (exact: every acknowledged pick is there), else from the store; the
   * replica's unstored picks are queued for the store.
   */
  @Override
  public Future<Loaded> load(long id, int partition) {
    if (!hosted.test(partition)) {
      return Future.failedFuture(ActiveRotations.moved(id));
    }
    return replica.claim(id).compose(claim -> store.loadRotation(id).map(stored -> {
      if (stored == null) {
        replica.forget(id, claim.epoch());
        return null;
      }
      RotationState state = stored.state();
      long key = ScheduleKey.of(state.members());
      if (claim.seeded()) {
        int position = claim.scheduleKey() == key ? claim.position() : state.position();
        // the replica's ledger goes with its sequence: the cap counts and owed turns of every acknowledged pick
        Ledger ledger = claim.sequence() >= state.sequence() ? claim.ledger() : state.ledger();
        state = state.withProgress(position, Math.max(claim.sequence(), state.sequence()), ledger);
        writeBehind.restore(id, state.position(), state.sequence(), state.ledger(), claim.pending());
      } else {
        state = AckFromMemory.resume(id, stored);
      }
      return new Loaded(state, claim.epoch(), key);
    }));
  }

  @Override
  public void attach(long id, Loaded loaded) {
    tracks.put(id, new ReplicaTrack(id, loaded.epoch(), loaded.scheduleKey(), loaded.state().sequence()));
  }

  @Override
  public void detach(long id) {
    tracks.remove(id);
  }

  @Override
  public Future<Void> pick(long id, UserPicked picked, RotationState after) {
    ReplicaTrack track = tracks.get(id);
    if (track == null) {
      return Future.failedFuture(ActiveRotations.moved(id)); // a lifecycle attaches before it picks
    }
    Promise<Void> acknowledged = Promise.promise();
    track.batch.add(new ReplicaTrack.Pending(picked, after, acknowledged));
    unacknowledged++;
    if (track.replicating || track.dirty) {
      return acknowledged.future(); // goes with the round after the one in flight, or with this turn's round
    }
    track.dirty = true;
    dirty.add(track);
    if (!scheduled) {
      scheduled = true;
      context.runOnContext(v -> startRounds()); // after the rest of this turn's messages
    }
    return acknowledged.future();
  }

  private void startRounds() {
    scheduled = false;
    List<ReplicaTrack> due = new ArrayList<>(dirty);
    dirty.clear();
    for (ReplicaTrack track : due) {
      track.dirty = false;
      if (!track.replicating && !track.batch.isEmpty()) {
        round(track);
      }
    }
  }

  private void round(ReplicaTrack track) {
    List<ReplicaTrack.Pending> picks = track.batch;
    track.batch = new ArrayList<>();
    ReplicaTrack.Pending last = picks.get(picks.size() - 1);
    long to = last.picked().sequence();
    List<Assignment> rows = new ArrayList<>(picks.size());
    for (ReplicaTrack.Pending p : picks) {
      rows.add(writeBehind.row(p.picked()));
    }
    track.replicating = true;
    long started = System.nanoTime();
    Future<Void> sent;
    try {
      sent = replica.append(track.id, track.epoch, track.replicated, to, last.after().position(),
          last.after().ledger(), track.scheduleKey, rows);
    } catch (RuntimeException e) {
      // a replica must answer with a failed future; should one throw, the round still ends and answers
      sent = Future.failedFuture(new ReplicaException(ReplicaException.Kind.UNAVAILABLE,
          "the picks could not be sent to the replica; nothing was acknowledged — retry", e));
    }
    sent.onComplete(ar -> {
      (ar.succeeded() ? rounds.acknowledged() : rounds.failed()).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      track.replicating = false;
      unacknowledged -= picks.size();
      if (ar.succeeded()) {
        track.replicated = to;
        for (int i = 0; i < picks.size(); i++) {
          writeBehind.add(picks.get(i).picked(), rows.get(i), picks.get(i).after().ledger());
          picks.get(i).acknowledged().complete();
        }
        if (!track.batch.isEmpty()) {
          round(track);
        } else if (track.settled != null) {
          Promise<Void> settled = track.settled;
          track.settled = null;
          settled.complete();
        }
      } else {
        LOG.info("rotation {}: {} picks from sequence {} not acknowledged: {}", track.id,
            picks.size() + track.batch.size(), picks.get(0).picked().sequence(), ar.cause().getMessage());
        List<ReplicaTrack.Pending> after = track.batch;
        track.batch = new ArrayList<>();
        unacknowledged -= after.size();
        tracks.remove(track.id, track); // its memory ran ahead of the replica: the track ends here
        picks.forEach(p -> p.acknowledged().fail(ar.cause()));
        after.forEach(p -> p.acknowledged().fail(ar.cause()));
        if (track.settled != null) {
          track.settled.fail(ar.cause()); // the track is over: nobody asks it again
        }
      }
      if (unacknowledged == 0 && !idleWaiters.isEmpty()) {
        List<Promise<Void>> done = List.copyOf(idleWaiters);
        idleWaiters.clear();
        done.forEach(Promise::complete);
      }
    });
  }

  @Override
  public boolean settled(long id) {
    ReplicaTrack track = tracks.get(id);
    return track == null || track.idle();
  }

  @Override
  public Future<Void> whenSettled(long id) {
    ReplicaTrack track = tracks.get(id);
    if (track == null || track.idle()) {
      return Future.succeededFuture();
    }
    if (track.settled == null) {
      track.settled = Promise.promise();
    }
    return track.settled.future();
  }

  /**
   * Fenced before and after the store write: a member that lost the rotation neither saves nor acknowledges
   * the change, and the sender resends it to the new owner (the change is idempotent).
   */
  @Override
  public Future<Void> save(long id, RotationState before, RotationState next) {
    ReplicaTrack track = tracks.get(id);
    if (track == null) {
      return Future.failedFuture(ActiveRotations.moved(id));
    }
    long key = ScheduleKey.of(next.members());
    return touch(track, before.position(), before.ledger(), track.scheduleKey)
        .compose(v -> store.saveRotation(next))
        .compose(v -> touch(track, next.position(), next.ledger(), key))
        .onSuccess(v -> track.scheduleKey = key);
  }

  /** Records a new position (and schedule) with no pick, fenced like a pick. Only when no round is in flight. */
  private Future<Void> touch(ReplicaTrack track, int position, Ledger ledger, long scheduleKey) {
    return replica.append(track.id, track.epoch, track.replicated, track.replicated, position, ledger, scheduleKey,
        List.of());
  }

  @Override
  public Future<Void> delete(long id) {
    ReplicaTrack track = tracks.get(id);
    Future<Void> deleted = writeBehind.drain().compose(v -> store.deleteRotation(id));
    return track == null ? deleted : deleted.onSuccess(v -> replica.forget(id, track.epoch));
  }

  /**
   * Once the replica entry is gone the next owner starts from the store, which then has the exact sequence.
   * A claim that comes first keeps the entry (the forget is fenced).
   */
  @Override
  public Future<Void> release(long id, Future<Void> numbersBack) {
    ReplicaTrack track = tracks.get(id);
    if (track == null) {
      return numbersBack;
    }
    return numbersBack.compose(v -> replica.forget(id, track.epoch)).recover(e -> {
      // the entry stays: the next owner resumes from it, which holds exactly the acknowledged picks
      LOG.info("rotation {}: replica entry kept ({})", id, e.getMessage());
      return Future.succeededFuture();
    });
  }

  /** After a flush: the replica may drop the log entries the store now has. */
  private void trim(List<Assignment> flushed) {
    Map<Long, Long> upTo = new HashMap<>();
    for (Assignment a : flushed) {
      upTo.merge(a.rotationId(), a.sequence(), Math::max);
    }
    upTo.forEach((id, sequence) -> {
      ReplicaTrack track = tracks.get(id);
      if (track != null && track.epoch != 0) {
        replica.trim(id, track.epoch, sequence); // best effort: a newer owner trims after its own flush
      }
    });
  }

  @Override
  public int buffered() {
    return writeBehind.backlog() + unacknowledged;
  }

  @Override
  public int unacknowledged() {
    return unacknowledged;
  }

  @Override
  public Future<Void> idle() {
    if (unacknowledged == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    idleWaiters.add(p);
    return p.future();
  }
}
