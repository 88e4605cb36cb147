package io.leadrouter.owner;

import io.leadrouter.ops.Metrics;
import io.leadrouter.owner.LifecycleState.Activating;
import io.leadrouter.owner.LifecycleState.AwaitingBlock;
import io.leadrouter.owner.LifecycleState.AwaitingReplica;
import io.leadrouter.owner.LifecycleState.Gone;
import io.leadrouter.owner.LifecycleState.Leaving;
import io.leadrouter.owner.LifecycleState.Passivating;
import io.leadrouter.owner.LifecycleState.Persisting;
import io.leadrouter.owner.LifecycleState.Ready;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.Rotation.Command;
import io.leadrouter.rotation.Rotation.UserPicked;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.store.Store;
import io.leadrouter.store.StoreException;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

  /** What every lifecycle of one owner shares; {@code entries} is the owner's map, left when Gone. */
  record Deps(Acknowledgement ack, Store store, OwnerSettings settings, Clock clock, Metrics metrics,
      IntPredicate hosted, Map<Long, Lifecycle> entries) {}

  private final long id;
  private final int partition;
  private final Deps deps;
  private final ArrayDeque<Message<Command>> stash = new ArrayDeque<>();
  private LifecycleState state = new Activating();
  private Rotation rotation;
  private SequenceBlock block;
  private Counter picks;
  private long lastUsed;

  /** Starts in {@link Activating}: put it in the owner's map, then {@link #activate()}. */
  Lifecycle(long id, int partition, Deps deps) {
    this.id = id;
    this.partition = partition;
    this.deps = deps;
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
      handle(message);
    } else if (state instanceof Gone) {
      Messages.fail(message, ActiveRotations.moved(id)); // never in the owner's map: the sender resends
    } else {
      stash.add(message);
    }
  }

  // ---- transitions ------------------------------------------------------------------------------------

  /** The one place the state changes. */
  private void move(LifecycleState next) {
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
  private void drop(Throwable cause) {
    Message<Command> parked = parked();
    move(new Gone());
    if (parked != null) {
      Messages.fail(parked, cause);
    }
    failStash(cause);
  }

  private void failStash(Object cause) {
    while (!stash.isEmpty()) {
      Messages.fail(stash.poll(), cause);
    }
  }

  /** Ready again: runs the stash until a command waits for something; a deleted rotation then leaves. */
  private void becomeReady() {
    move(new Ready());
    drain();
  }

  private void drain() {
    while (state instanceof Ready && !stash.isEmpty()) {
      handle(stash.poll());
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
        RotationState loaded = ar.result().state();
        rotation = new Rotation(loaded);
        block = new SequenceBlock(id, loaded.sequence(), deps.store(), deps.settings().sequenceBlock(), deps.clock());
        picks = deps.metrics().picks(loaded.accountId());
        deps.ack().attach(id, ar.result());
        becomeReady();
      }
    });
  }

  /** Out of memory; commands that arrived meanwhile activate it afresh while its partition is still here. */
  private void finish() {
    if (!stash.isEmpty() && deps.hosted().test(partition)) {
      deps.ack().detach(id);
      Activating activating = new Activating();
      move(activating);
      load(activating);
    } else {
      drop(ActiveRotations.moved(id));
    }
  }

  // ---- commands ---------------------------------------------------------------------------------------

  private void handle(Message<Command> message) {
    Command command = message.body();
    lastUsed = deps.clock().millis();
    if (command instanceof Rotation.Get) {
      if (rotation.deleted() || !rotation.state().accountId().equals(command.accountId())) {
        Messages.fail(message, notFound(id));
      } else {
        message.reply(rotation.state(), Messages.OPTIONS);
      }
      return;
    }
    if (!(command instanceof Rotation.Pick) && !deps.ack().settled(id)) {
      AwaitingReplica waiting = new AwaitingReplica(message); // runs after every pick before it is held
      move(waiting);
      deps.ack().whenSettled(id).onComplete(ar -> replicaSettled(waiting, ar));
      return;
    }
    Rotation.Decision decision = rotation.decide(command, deps.clock().instant());
    if (!decision.accepted()) {
      Messages.fail(message, decision.rejection());
    } else if (decision.event() instanceof UserPicked picked) {
      pick(message, picked);
    } else {
      persist(message, decision.event());
    }
  }

  private void replicaSettled(AwaitingReplica waiting, AsyncResult<Void> ar) {
    if (state != waiting) {
      return;
    }
    if (ar.failed()) {
      drop(ar.cause());
    } else {
      move(new Ready());
      handle(waiting.command());
      drain();
    }
  }

  private void pick(Message<Command> message, UserPicked picked) {
    if (!block.covers(picked.sequence()) && !block.mayExceed()) {
      AwaitingBlock waiting = new AwaitingBlock(message, picked); // nothing else runs until the block is here
      move(waiting);
      block.reserve(rotation.state().sequence()).onComplete(ar -> blockArrived(waiting, ar));
      return;
    }
    int buffered = deps.ack().buffered();
    if (buffered >= deps.settings().writeBufferMax()) {
      Messages.fail(message, new StoreException(StoreException.Kind.UNAVAILABLE, "write-behind buffer full ("
          + buffered + " picks not yet stored); the store is unreachable or too slow — retry later"));
      return;
    }
    rotation.apply(picked);
    RotationState after = rotation.state();
    Counter counter = picks;
    deps.ack().pick(id, picked, after).onComplete(ar -> {
      if (ar.succeeded()) {
        counter.increment();
        message.reply(new PickReply(picked, after), Messages.OPTIONS);
      } else {
        Messages.fail(message, ar.cause());
        if (!(state instanceof Gone)) {
          drop(ar.cause()); // its memory ran ahead of the replica: the next command reactivates it
        }
      }
    });
    block.refillAhead(picked.sequence());
  }

  /** Only the pick parked for this block goes on; a block arriving in any other state just raised the ceiling. */
  private void blockArrived(AwaitingBlock waiting, AsyncResult<Void> ar) {
    if (state != waiting) {
      return;
    }
    if (ar.succeeded() || block.storeUnreachable()) {
      move(new Ready()); // an unreachable store: the parked pick goes on above the ceiling
      pick(waiting.pick(), waiting.picked());
      drain();
    } else {
      LOG.warn("rotation {}: could not reserve sequence numbers: {}", id, ar.cause().getMessage());
      move(new Ready());
      Messages.fail(waiting.pick(), ar.cause());
      failStash(ar.cause());
    }
  }

  private void persist(Message<Command> message, Rotation.Event event) {
    Persisting persisting = new Persisting(message);
    move(persisting);
    Future<Void> write;
    if (event instanceof Rotation.RotationDeleted) {
      write = deps.ack().delete(id);
    } else {
      RotationState next = event instanceof Rotation.RotationUpdated u ? u.next()
          : ((Rotation.StatusChanged) event).next();
      write = deps.ack().save(id, rotation.state(), next);
    }
    write.onComplete(ar -> {
      if (ar.succeeded()) {
        RotationState before = rotation.state();
        rotation.apply(event);
        message.reply(event instanceof Rotation.RotationDeleted ? before : rotation.state(), Messages.OPTIONS);
        if (state == persisting) {
          becomeReady();
        }
      } else {
        Messages.fail(message, ar.cause());
        if (state == persisting && ar.cause() instanceof ReplicaException) {
          drop(ar.cause()); // its memory may be stale now: the next command activates it again
        } else if (state == persisting) {
          becomeReady();
        }
      }
    });
  }

  // ---- leaving memory ---------------------------------------------------------------------------------

  /** Ready, unused since before {@code cutoff}, nothing waiting, reserving or unacknowledged. */
  boolean idleSince(long cutoff) {
    return state instanceof Ready && stash.isEmpty() && lastUsed < cutoff && !block.reserving()
        && deps.ack().settled(id);
  }

  /** Gives its unused numbers back, then leaves memory; commands arriving meanwhile activate it afresh. */
  void passivate() {
    Passivating passivating = new Passivating();
    move(passivating);
    release().onComplete(ar -> {
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

  /** Whether {@link #release()} applies: loaded and not deleted. */
  boolean releasable() {
    return rotation != null && !rotation.deleted();
  }

  /** Gives back the unused numbers, then (in a cluster) forgets the replica entry. Best effort: never fails. */
  Future<Void> release() {
    return block.release(rotation.state().sequence()).compose(v -> deps.ack().forget(id));
  }

  static StoreException notFound(long id) {
    return new StoreException(StoreException.Kind.NOT_FOUND, "rotation " + id + " not found");
  }
}
