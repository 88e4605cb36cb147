package io.leadrouter.owner;

import io.leadrouter.rotation.Rotation.Command;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Commands handed to the owners of this process directly ({@link LocalOwners}), answered on the sender's
 * context (always as a task of the sender's loop, never inside the owner's handler). A sender on the owner's
 * own event loop has the command run at once; from any other thread it is a task of the owner's loop. Each
 * has the time the event bus would give it: all share one timeout, so they expire in the order they were
 * sent, and one timer per {@link #SWEEP_MS} fails those past it (a 503, as a timed-out event-bus request)
 * instead of a timer per command.
 */
final class Direct {

  static final long SWEEP_MS = 50;

  private final Vertx vertx;
  private final LocalOwners owners;
  private final long timeoutNanos;
  private final ConcurrentLinkedQueue<Waiting> waiting = new ConcurrentLinkedQueue<>();

  private record Waiting(long deadline, Promise<Object> answer) {}

  Direct(Vertx vertx, LocalOwners owners, long timeoutMs) {
    this.vertx = vertx;
    this.owners = owners;
    this.timeoutNanos = timeoutMs * 1_000_000;
    // on a context of its own: a sender's (an HTTP verticle's) would take the timer along when undeployed
    ((VertxInternal) vertx).createEventLoopContext().setPeriodic(SWEEP_MS, id -> sweep());
  }

  /** The owner's answer, or null when no owner in this process serves {@code partition} (use the event bus). */
  Future<Object> send(int partition, String address, Command command) {
    LocalOwners.Owner owner = owners.of(partition);
    if (owner == null) {
      return null;
    }
    ContextInternal sender = (ContextInternal) vertx.getOrCreateContext();
    Promise<Object> answer = sender.promise();
    waiting.add(new Waiting(System.nanoTime() + timeoutNanos, answer));
    ContextInternal context = (ContextInternal) owner.context();
    ContextInternal current = ContextInternal.current();
    if (context.inThread() && (current == null || current.unwrap() != context)) {
      // the sender runs on the owner's event loop (an HTTP verticle sharing it): the owner runs the command now,
      // as that loop's next task would, on its own context. Its answer still reaches the sender as a later task
      // of the loop, never within this call: a sender that sends its next command from the answer's handler
      // would otherwise recurse, one stack frame deeper per command
      Promise<Object> now = Promise.promise();
      now.future().onComplete(ar -> sender.runOnContext(v -> answer.handle(ar)));
      context.dispatch(new LocalCommand(address, command, now), owner.handler());
    } else {
      LocalCommand message = new LocalCommand(address, command, answer);
      context.runOnContext(v -> owner.handler().handle(message));
    }
    return answer.future();
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Waiting w = waiting.peek(); w != null; w = waiting.peek()) {
      if (!w.answer().future().isComplete() && w.deadline() - now > 0) {
        return; // the oldest still has time: every later one has more
      }
      waiting.poll();
      w.answer().tryFail(new ReplyException(ReplyFailure.TIMEOUT, "timed out waiting for the owner's answer"));
    }
  }
}
