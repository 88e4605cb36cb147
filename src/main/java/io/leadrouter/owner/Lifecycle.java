package io.leadrouter.owner;

import io.leadrouter.ops.Metrics;
import io.leadrouter.owner.LifecycleState.Activating;
import io.leadrouter.owner.LifecycleState.AwaitingBlock;
import io.leadrouter.owner.LifecycleState.AwaitingReplica;
import io.leadrouter.owner.LifecycleState.Gone;
import io.leadrouter.owner.LifecycleState.Leaving;
import io.leadrouter.owner.LifecycleState.Passivating;
import io.leadrouter.owner.LifecycleState.Ready;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.Rotation.Command;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.store.RotationStore;
import io.leadrouter.store.StoreException;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * One rotation in its owner: its {@link LifecycleState}, the stash of commands waiting for it, the entity once
 * loaded and its {@link SequenceBlock}. Confined to the owner's event loop: no locks.
 *
 * <p>Replies: a pick is answered once {@link Acknowledgement} acknowledges it (from memory on a single node,
 * after the replica in a cluster; written to the store within one flush interval). A configuration change is
 * answered after the store committed it, and in a cluster only once the replica holds every pick before it
 * and while this member still holds the rotation's epoch.
 */
final class Lifecycle {

  /** What every lifecycle of one owner shares; {@code entries} is the owner's map, left when Gone. */
  record Deps(Acknowledgement ack, RotationStore store, OwnerSettings settings, Clock clock, Metrics metrics,
      IntPredicate hosted, Map<Long, Lifecycle> entries) {}

  final long id;
  private final int partition;
  final Deps deps;
  private final ArrayDeque<Message<Command>> stash = new ArrayDeque<>();
  private final Commands commands;
  private LifecycleState state = new Activating();
  // set by activation; read by Commands
  Rotation rotation;
  SequenceBlock block;
  Counter picks;
  long lastUsed;

  /** Starts in {@link Activating}: put it in the owner's map, then {@link #activate()}. */
  Lifecycle(long id, int partition, Deps deps) {
    this.id = id;
    this.partition = partition;
    this.deps = deps;
    this.commands = new Commands(this);
  }

  LifecycleState state() {
    return state;
  }

  int partition() {
    return partition;
  }

  void activate() {
    load((Activating) state);
  }

  /** A command for this rotation: runs now when Ready, else waits in the stash. */
  void offer(Message<Command> message) {
    if (state instanceof Ready) {
      commands.handle(message);
    } else if (state instanceof Gone) {
      Messages.fail(message, ActiveRotations.moved(id)); // never in the owner's map: the sender resends
    } else {
      stash.add(message);
    }
  }

  // ---- transitions ------------------------------------------------------------------------------------

  /** The one place the state changes; {@link Commands} moves it too, through here. */
  void move(LifecycleState next) {
    if (!state.leadsTo(next)) {
      throw new IllegalStateException("rotation " + id + ": no way from " + state + " to " + next);
    }
    state = next;
    if (next instanceof Gone && deps.entries().remove(id, this)) {
      deps.ack().detach(id);
    }
  }

  /** The command held by the state waiting for a block or the replica (not yet run). */
  private Message<Command> parked() {
    if (state instanceof AwaitingBlock w) {
      return w.pick();
    }
    return state instanceof AwaitingReplica w ? w.command() : null;
  }

  /** Leaves memory for good, failing the parked command and the stash. */
  void drop(Throwable cause) {
    Message<Command> parked = parked();
    move(new Gone());
    if (parked != null) {
      Messages.fail(parked, cause);
    }
    failStash(cause);
  }

  void failStash(Object cause) {
    while (!stash.isEmpty()) {
      Messages.fail(stash.poll(), cause);
    }
  }

  /** Ready again: runs the stash until a command waits for something; a deleted rotation then leaves. */
  void becomeReady() {
    move(new Ready());
    drain();
  }

  void drain() {
    while (state instanceof Ready && !stash.isEmpty()) {
      commands.handle(stash.poll());
    }
    if (state instanceof Ready && rotation.deleted()) {
      drop(notFound(id));
    }
  }

  // ---- activation -------------------------------------------------------------------------------------

  private void load(Activating activating) {
    lastUsed = 0;
    deps.ack().load(id, partition).onComplete(ar -> {
      if (state != activating) {
        return; // left meanwhile (its partition moved)
      }
      if (ar.failed()) {
        drop(ar.cause());
      } else if (ar.result() == null) {
        drop(notFound(id));
      } else {
        // the directory answers for its users before the first pick is decided
        RotationState loaded = ar.result().state();
        deps.settings().people().load(loaded.accountId(), Current.users(loaded)).onComplete(people -> {
          if (state != activating) {
            return;
          }
          if (people.failed()) {
            drop(people.cause()); // the next command activates it afresh
            return;
          }
          rotation = new Rotation(loaded);
          block = new SequenceBlock(id, loaded.sequence(), deps.store(), deps.settings().sequenceBlock(),
              deps.clock());
          picks = deps.metrics().picks(loaded.accountId());
          deps.ack().attach(id, ar.result());
          becomeReady();
        });
      }
    });
  }

  /** Out of memory; commands that arrived meanwhile activate it afresh while its partition is still here. */
  private void finish() {
    if (!stash.isEmpty() && deps.hosted().test(partition)) {
      deps.ack().detach(id);
      rotation = null; // what it held is released: nothing of it may be released again or picked from
      block = null;
      Activating activating = new Activating();
      move(activating);
      load(activating);
    } else {
      drop(ActiveRotations.moved(id));
    }
  }

  // ---- leaving memory ---------------------------------------------------------------------------------

  /** Ready, unused since before {@code cutoff}, nothing waiting, reserving or unacknowledged. */
  boolean idleSince(long cutoff) {
    return state instanceof Ready && stash.isEmpty() && lastUsed < cutoff && !block.reserving()
        && deps.ack().settled(id);
  }

  /**
   * Unused: leaves memory once {@code numbersBack} (its {@link #unused()} numbers, given back with other
   * rotations') completed; commands arriving meanwhile wait, then activate it afresh.
   */
  Future<Void> passivate(Future<Void> numbersBack) {
    Passivating passivating = new Passivating();
    move(passivating);
    return release(numbersBack).onComplete(ar -> {
      if (state == passivating) {
        finish();
      }
    });
  }

  /**
   * Its partition moved away: fails what waits here (the senders resend it to the new owner), lets the picks
   * sent to the replica finish, then leaves memory. A configuration write in flight is still answered.
   */
  void leave() {
    ReplicaException moved = ActiveRotations.moved(id);
    if (state instanceof Gone) {
      return;
    }
    if (state instanceof Leaving) {
      failStash(moved);
    } else if (deps.ack().settled(id)) {
      drop(moved);
    } else {
      Message<Command> parked = parked();
      Leaving leaving = new Leaving();
      move(leaving);
      if (parked != null) {
        Messages.fail(parked, moved);
      }
      failStash(moved);
      deps.ack().whenSettled(id).onComplete(ar -> {
        if (state != leaving) {
          return;
        }
        if (ar.succeeded()) {
          finish();
        } else {
          drop(ar.cause());
        }
      });
    }
  }

  /** Graceful stop in a cluster: whatever waits is resent to the next owner by its sender. */
  void failWaiting() {
    ReplicaException moved = ActiveRotations.moved(id);
    Message<Command> parked = parked();
    if (parked != null) {
      move(new Ready());
      Messages.fail(parked, moved);
    }
    failStash(moved);
  }

  /** Whether {@link #release(Future)} applies: loaded and not deleted. */
  boolean releasable() {
    return rotation != null && !rotation.deleted();
  }

  /** The sequence numbers it reserved and has not used, to give back with other rotations' in one statement. */
  RotationStore.SequenceRelease unused() {
    return block.unused(rotation.state().sequence());
  }

  /**
   * Once {@code numbersBack} completed (its {@link #unused()} numbers, given back with others'), in a cluster
   * forgets the replica entry. Best effort: never fails.
   */
  Future<Void> release(Future<Void> numbersBack) {
    return deps.ack().release(id, numbersBack);
  }

  static StoreException notFound(long id) {
    return new StoreException(StoreException.Kind.NOT_FOUND, "rotation " + id + " not found");
  }
}
