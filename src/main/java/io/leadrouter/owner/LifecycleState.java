package io.leadrouter.owner;

import io.leadrouter.rotation.Rotation.Command;
import io.leadrouter.rotation.Rotation.UserPicked;
import io.vertx.core.eventbus.Message;

/**
 * Where one rotation stands in its owner. Exactly one at a time; every move goes through
 * {@link Lifecycle} and is checked against {@link #leadsTo}. A state that waits for something holds the
 * command it runs for (so that command is decided exactly once and never sits in the stash); every other
 * command arriving meanwhile waits in the lifecycle's stash, in order. A late answer to a state the rotation
 * has left (compared by identity) changes nothing.
 *
 * <pre>
 *   Activating ──► Ready ◄──► AwaitingBlock | Persisting | AwaitingReplica
 *       ▲            │
 *       │            ├──► Passivating ──► Activating (commands arrived) | Gone
 *       │            └──► Leaving ──────► Activating (partition back)   | Gone
 *       └──────────── any state ──► Gone (dropped, not found, deleted, replica failed)
 * </pre>
 */
sealed interface LifecycleState {

  /** Whether a rotation in this state may move to {@code next}. */
  boolean leadsTo(LifecycleState next);

  /** Loading (in a cluster: claiming) the rotation; commands wait. */
  record Activating() implements LifecycleState {
    @Override
    public boolean leadsTo(LifecycleState next) {
      return next instanceof Ready || next instanceof Gone;
    }
  }

  /** In memory, nothing waited for: commands run as they arrive. */
  record Ready() implements LifecycleState {
    @Override
    public boolean leadsTo(LifecycleState next) {
      return !(next instanceof Ready) && !(next instanceof Activating);
    }
  }

  /** {@code pick}, decided as {@code picked}, is past the reserved ceiling: it goes on once the next block is reserved. */
  record AwaitingBlock(Message<Command> pick, UserPicked picked) implements LifecycleState {
    @Override
    public boolean leadsTo(LifecycleState next) {
      return next instanceof Ready || next instanceof Leaving || next instanceof Gone;
    }
  }

  /** {@code command}'s configuration change is being written to the store. */
  record Persisting(Message<Command> command) implements LifecycleState {
    @Override
    public boolean leadsTo(LifecycleState next) {
      return next instanceof Ready || next instanceof Gone;
    }
  }

  /** {@code command}, a configuration change, runs once the replica holds every pick before it. */
  record AwaitingReplica(Message<Command> command) implements LifecycleState {
    @Override
    public boolean leadsTo(LifecycleState next) {
      return next instanceof Ready || next instanceof Leaving || next instanceof Gone;
    }
  }

  /** Unused, giving its numbers back before it leaves memory; commands arriving meanwhile reactivate it. */
  record Passivating() implements LifecycleState {
    @Override
    public boolean leadsTo(LifecycleState next) {
      return next instanceof Activating || next instanceof Gone;
    }
  }

  /** Its partition moved away: it leaves memory once the picks sent to the replica are answered. */
  record Leaving() implements LifecycleState {
    @Override
    public boolean leadsTo(LifecycleState next) {
      return next instanceof Activating || next instanceof Gone;
    }
  }

  /** Out of memory for good; the next command for its id starts a new lifecycle. */
  record Gone() implements LifecycleState {
    @Override
    public boolean leadsTo(LifecycleState next) {
      return false;
    }
  }
}
