package io.leadrouter.owner;

import io.leadrouter.ops.Metrics;
import io.leadrouter.rotation.Rotation.Command;
import io.leadrouter.store.RotationStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rotations one owner verticle holds in memory, each with its {@link Lifecycle}, and what applies to
 * several of them at once (a partition moving away, passivation, stop). Confined to that verticle's event
 * loop: no locks. A rotation is activated lazily by its first command.
 */
final class ActiveRotations {

  private static final Logger LOG = LoggerFactory.getLogger(ActiveRotations.class);
  /** Rotations whose unused sequence numbers go back in one statement (a stop, passivation). */
  static final int RELEASE_BATCH = 1_000;

  private final Acknowledgement ack;
  private final WriteBehind writeBehind;
  private final OwnerSettings settings;
  private final Clock clock;
  private final Map<Long, Lifecycle> entries = new HashMap<>();
  private final Lifecycle.Deps deps;

  /**
   * {@code ack}: how picks are acknowledged (single node or cluster). {@code hosted} tells whether this node
   * serves a partition right now.
   */
  ActiveRotations(Acknowledgement ack, RotationStore store, OwnerSettings settings, Clock clock, Metrics metrics,
      WriteBehind writeBehind, IntPredicate hosted) {
    this.ack = ack;
    this.writeBehind = writeBehind;
    this.settings = settings;
    this.clock = clock;
    this.deps = new Lifecycle.Deps(ack, store, settings, clock, metrics, hosted, entries);
  }

  /** Picks applied in memory but not yet acknowledged (waiting for the replica). */
  int unacknowledged() {
    return ack.unacknowledged();
  }

  /** Picks not yet in the store: the write-behind backlog and the picks not yet handed to it. */
  int buffered() {
    return ack.buffered();
  }

  /** Completes once no pick waits for the replica. */
  Future<Void> replicated() {
    return ack.idle();
  }

  int size() {
    return entries.size();
  }

  /** The state of a rotation in memory, null when it is not (tests). */
  LifecycleState stateOf(long id) {
    Lifecycle lifecycle = entries.get(id);
    return lifecycle == null ? null : lifecycle.state();
  }

  /** Runs a command of a rotation in {@code partition}, activating the rotation first if needed. */
  void dispatch(int partition, Message<Command> message) {
    long id = message.body().rotationId();
    Lifecycle lifecycle = entries.get(id);
    if (lifecycle != null) {
      lifecycle.offer(message);
      return;
    }
    lifecycle = new Lifecycle(id, partition, deps);
    entries.put(id, lifecycle);
    lifecycle.offer(message);
    lifecycle.activate();
  }

  /** Activates a rotation with no command waiting (its replica holds picks the store does not have). */
  void activateIdle(long id, int partition) {
    if (!entries.containsKey(id)) {
      Lifecycle lifecycle = new Lifecycle(id, partition, deps);
      entries.put(id, lifecycle);
      lifecycle.activate();
    }
  }

  /**
   * The partition moved away: fail the waiting commands (their senders resend them to the new owner), let
   * picks already sent to the replica finish, then forget its rotations. Their acknowledged picks stay in
   * the write-behind buffer; the new owner took them over from the replica too (the flush is idempotent).
   */
  void leave(int partition) {
    for (Lifecycle lifecycle : List.copyOf(entries.values())) {
      if (lifecycle.partition() == partition) {
        lifecycle.leave();
      }
    }
  }

  /** Graceful stop in a cluster: whatever waits is resent to the next owner by its sender. */
  void failWaiting() {
    List.copyOf(entries.values()).forEach(Lifecycle::failWaiting);
  }

  static ReplicaException moved(long id) {
    return new ReplicaException(ReplicaException.Kind.FENCED, "rotation " + id + " is now served by another member");
  }

  /**
   * After a clean drain: gives unused sequence numbers back and, in a cluster, forgets the replica entries
   * (see {@link #giveBack}). Best effort, never fails.
   */
  Future<Void> releaseAll() {
    List<Lifecycle> releasing = new ArrayList<>();
    for (Lifecycle lifecycle : List.copyOf(entries.values())) {
      if (lifecycle.releasable()) {
        releasing.add(lifecycle);
      }
    }
    return giveBack(releasing, Lifecycle::release, "rotations");
  }

  /**
   * Releases rotations unused for {@code idleMillis} (see {@link #giveBack}); commands arriving meanwhile
   * activate them afresh. Completes once their numbers are back.
   */
  Future<Void> passivateIdle() {
    long cutoff = clock.millis() - settings.idleMillis();
    List<Lifecycle> idle = new ArrayList<>();
    entries.forEach((id, lifecycle) -> {
      if (lifecycle.idleSince(cutoff) && !writeBehind.hasPending(id)) {
        idle.add(lifecycle);
      }
    });
    if (!idle.isEmpty()) {
      LOG.debug("passivating {} idle rotations, {} active", idle.size(), entries.size());
    }
    return giveBack(idle, Lifecycle::passivate, "idle rotations");
  }

  /**
   * Gives the unused sequence numbers of {@code leaving} back, as they stand now, {@link #RELEASE_BATCH}
   * rotations per statement and one statement at a time: however many rotations leave at once (a stop, a
   * quiet hour's passivation), the store's pool never sees more than one give-back of this owner. Each
   * rotation goes on at once with {@code leave}, given its batch's give-back, which never fails: numbers that
   * could not go back stay reserved (the next activation skips them), said in one WARN line for all of them.
   */
  private Future<Void> giveBack(List<Lifecycle> leaving, BiFunction<Lifecycle, Future<Void>, Future<Void>> leave,
      String what) {
    List<RotationStore.SequenceRelease> unused = leaving.stream().map(Lifecycle::unused).toList();
    List<Future<Void>> left = new ArrayList<>();
    int[] failed = {0};
    Throwable[] firstError = {null};
    Future<Void> batches = Future.succeededFuture();
    for (int from = 0; from < leaving.size(); from += RELEASE_BATCH) {
      int to = Math.min(from + RELEASE_BATCH, leaving.size());
      List<RotationStore.SequenceRelease> numbers = unused.subList(from, to);
      Promise<Void> back = Promise.promise();
      batches = batches.compose(v -> deps.store().releaseSequences(numbers).recover(e -> {
        failed[0] += numbers.size();
        if (firstError[0] == null) {
          firstError[0] = e;
        }
        return Future.succeededFuture();
      })).onComplete(back);
      leaving.subList(from, to).forEach(lifecycle -> left.add(leave.apply(lifecycle, back.future())));
    }
    return batches.compose(v -> Future.join(left)).<Void>mapEmpty().onComplete(ar -> {
      if (failed[0] > 0) {
        LOG.warn("could not give back the unused sequence numbers of {} of {} {} (they stay reserved: "
            + "their next activation skips them); first error: {}", failed[0], leaving.size(), what,
            firstError[0].getMessage());
      }
    });
  }
}
