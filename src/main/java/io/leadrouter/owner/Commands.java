package io.leadrouter.owner;

import io.leadrouter.owner.LifecycleState.AwaitingBlock;
import io.leadrouter.owner.LifecycleState.AwaitingReplica;
import io.leadrouter.owner.LifecycleState.Gone;
import io.leadrouter.owner.LifecycleState.Persisting;
import io.leadrouter.owner.LifecycleState.Ready;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.Rotation.Command;
import io.leadrouter.rotation.Rotation.UserPicked;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.store.StoreException;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a command runs on a {@link Ready} rotation: a Get is answered from memory; a pick is decided, numbered
 * within its {@link SequenceBlock} and handed to the {@link Acknowledgement}; a configuration change is
 * written through. A step that has to wait moves the {@link Lifecycle} into the matching waiting state
 * ({@link AwaitingBlock}, {@link AwaitingReplica}, {@link Persisting}) and resumes it only if the rotation
 * is still in that very state when the answer comes.
 */
final class Commands {

  private static final Logger LOG = LoggerFactory.getLogger(Commands.class);

  private final Lifecycle lifecycle;
  private final long id;
  private final Lifecycle.Deps deps;

  Commands(Lifecycle lifecycle) {
    this.lifecycle = lifecycle;
    this.id = lifecycle.id;
    this.deps = lifecycle.deps;
  }

  void handle(Message<Command> message) {
    Command command = message.body();
    lifecycle.lastUsed = deps.clock().millis();
    if (command instanceof Rotation.Get) {
      if (lifecycle.rotation.deleted() || !lifecycle.rotation.state().accountId().equals(command.accountId())) {
        Messages.fail(message, Lifecycle.notFound(id));
      } else {
        message.reply(Current.state(deps.settings().people(), lifecycle.rotation.state()), Messages.OPTIONS);
      }
      return;
    }
    if (command instanceof Rotation.Preview || command instanceof Rotation.Explain) {
      outlook(message, command);
      return;
    }
    if (!(command instanceof Rotation.Pick) && !deps.ack().settled(id)) {
      AwaitingReplica waiting = new AwaitingReplica(message); // runs after every pick before it is held
      lifecycle.move(waiting);
      deps.ack().whenSettled(id).onComplete(ar -> replicaSettled(waiting, ar));
      return;
    }
    People people = deps.settings().people();
    Rotation.Decision decision = lifecycle.rotation.decide(command, deps.clock().instant(), people.view());
    if (!decision.accepted()) {
      Rotation.Rejection r = decision.rejection();
      if (r.reason() == Rotation.Reason.NO_ELIGIBLE_MEMBER && command instanceof Rotation.Pick p) {
        RotationState s = lifecycle.rotation.state();
        UserPicked toUser = NoEligible.toUser(s, p, r, people, deps.clock().instant(), s.members());
        if (toUser != null) {
          pick(message, toUser);
        } else {
          Messages.fail(message, NoEligible.refusal(s, r));
        }
      } else {
        Messages.fail(message, r);
      }
    } else if (decision.event() instanceof UserPicked picked) {
      pick(message, Current.picked(people, picked)); // reply and log row carry the current email and name
    } else {
      persist(message, decision.event());
    }
  }

  /** Preview and explain: from memory, with the directory's view of now; nothing changes. */
  private void outlook(Message<Command> message, Command command) {
    Rotation rotation = lifecycle.rotation;
    if (rotation.deleted() || !rotation.state().accountId().equals(command.accountId())) {
      Messages.fail(message, Lifecycle.notFound(id));
      return;
    }
    People people = deps.settings().people();
    RotationState state = Current.state(people, rotation.state());
    if (command instanceof Rotation.Preview p) {
      message.reply(NoEligible.preview(state, rotation.preview(p.count(), deps.clock().instant(), people.view()),
          p.count(), people), Messages.OPTIONS);
    } else {
      message.reply(new Outlook(state, null, rotation.members(deps.clock().instant(), people.view())),
          Messages.OPTIONS);
    }
  }

  private void replicaSettled(AwaitingReplica waiting, AsyncResult<Void> ar) {
    if (lifecycle.state() != waiting) {
      return;
    }
    if (ar.failed()) {
      lifecycle.drop(ar.cause());
    } else {
      lifecycle.move(new Ready());
      handle(waiting.command());
      lifecycle.drain();
    }
  }

  private void pick(Message<Command> message, UserPicked picked) {
    if (!lifecycle.block.covers(picked.sequence()) && !lifecycle.block.mayExceed()) {
      AwaitingBlock waiting = new AwaitingBlock(message, picked); // nothing else runs until the block is here
      lifecycle.move(waiting);
      lifecycle.block.reserve(lifecycle.rotation.state().sequence()).onComplete(ar -> blockArrived(waiting, ar));
      return;
    }
    int buffered = deps.ack().buffered();
    if (buffered >= deps.settings().writeBufferMax()) {
      Messages.fail(message, new StoreException(StoreException.Kind.UNAVAILABLE, "write-behind buffer full ("
          + buffered + " picks not yet stored); the store is unreachable or too slow — retry later"));
      return;
    }
    lifecycle.rotation.apply(picked);
    RotationState after = lifecycle.rotation.state();
    Counter counter = lifecycle.picks;
    deps.ack().pick(id, picked, after).onComplete(ar -> {
      if (ar.succeeded()) {
        counter.increment();
        message.reply(new PickReply(picked, Current.state(deps.settings().people(), after)), Messages.OPTIONS);
      } else {
        Messages.fail(message, ar.cause());
        if (!(lifecycle.state() instanceof Gone)) {
          lifecycle.drop(ar.cause()); // its memory ran ahead of the replica: the next command reactivates it
        }
      }
    });
    lifecycle.block.refillAhead(picked.sequence());
  }

  /** Only the pick parked for this block goes on; a block arriving in any other state just raised the ceiling. */
  private void blockArrived(AwaitingBlock waiting, AsyncResult<Void> ar) {
    if (lifecycle.state() != waiting) {
      return;
    }
    if (ar.succeeded() || lifecycle.block.storeUnreachable()) {
      lifecycle.move(new Ready()); // an unreachable store: the parked pick goes on above the ceiling
      pick(waiting.pick(), waiting.picked());
      lifecycle.drain();
    } else {
      LOG.warn("rotation {}: could not reserve sequence numbers: {}", id, ar.cause().getMessage());
      lifecycle.move(new Ready());
      Messages.fail(waiting.pick(), ar.cause());
      lifecycle.failStash(ar.cause());
    }
  }

  private void persist(Message<Command> message, Rotation.Event event) {
    Persisting persisting = new Persisting(message);
    lifecycle.move(persisting);
    Future<Void> write;
    if (event instanceof Rotation.RotationDeleted) {
      write = deps.ack().delete(id);
    } else {
      RotationState next = event instanceof Rotation.RotationUpdated u ? u.next()
          : ((Rotation.StatusChanged) event).next();
      write = deps.ack().save(id, lifecycle.rotation.state(), next);
    }
    write.onComplete(ar -> {
      if (ar.succeeded()) {
        RotationState before = lifecycle.rotation.state();
        lifecycle.rotation.apply(event);
        RotationState after = lifecycle.rotation.state();
        People people = deps.settings().people();
        message.reply(Current.state(people, event instanceof Rotation.RotationDeleted ? before : after),
            Messages.OPTIONS);
        if (lifecycle.state() == persisting && !lifecycle.rotation.deleted() && !Current.sameUsers(before, after)) {
          // new users: the directory answers for them before the next pick is decided
          people.load(after.accountId(), Current.users(after)).onComplete(loaded -> {
            if (loaded.failed()) {
              LOG.warn("rotation {}: directory load after an edit failed: {}", id, loaded.cause().getMessage());
            }
            if (lifecycle.state() == persisting) {
              lifecycle.becomeReady();
            }
          });
        } else if (lifecycle.state() == persisting) {
          lifecycle.becomeReady();
        }
      } else {
        Messages.fail(message, ar.cause());
        if (lifecycle.state() == persisting && ar.cause() instanceof ReplicaException) {
          lifecycle.drop(ar.cause()); // its memory may be stale now: the next command activates it again
        } else if (lifecycle.state() == persisting) {
          lifecycle.becomeReady();
        }
      }
    });
  }
}
