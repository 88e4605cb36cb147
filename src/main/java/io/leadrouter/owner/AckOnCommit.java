package io.leadrouter.owner;

import io.leadrouter.rotation.Rotation.UserPicked;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.store.Assignment;
import io.leadrouter.store.RotationStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Single node with {@code ack=commit}: a pick is applied in memory at once (the next pick need not wait), but
 * answered only once the store has committed the flush holding its log row and the rotation's position, so a
 * crash loses no acknowledged pick. The write-behind flushes eagerly: every pick waiting when a flush starts
 * shares its transaction (group commit). Everything else is as {@link AckFromMemory}; the picks waiting for
 * their commit are in its write-behind backlog ({@link #buffered()}).
 *
 * <p>While the store fails, the write-behind retries with back-off and the picks keep waiting; their requests
 * time out (503) and the picks land when the store is back (a 503 never means a pick was lost; it may mean one
 * was made). The buffer bound still applies: beyond {@code write-buffer-max} picks are refused.
 */
final class AckOnCommit extends ForwardingAcknowledgement {

  private record Waiter(long sequence, Promise<Void> promise) {}

  private final WriteBehind writeBehind;
  /** Per rotation, its picks waiting for their commit, in sequence order. */
  private final Map<Long, ArrayDeque<Waiter>> waiting = new HashMap<>();
  private int waiters;
  private Promise<Void> idle;

  AckOnCommit(RotationStore store, WriteBehind writeBehind) {
    super(new AckFromMemory(store, writeBehind));
    this.writeBehind = writeBehind;
    writeBehind.flushEagerly();
    writeBehind.onFlushed(this::committed);
  }

  /** Rows of a flush that committed, in log order per rotation: their picks and every earlier one are durable. */
  private void committed(List<Assignment> rows) {
    for (Assignment row : rows) {
      ArrayDeque<Waiter> queue = waiting.get(row.rotationId());
      while (queue != null && !queue.isEmpty() && queue.peekFirst().sequence() <= row.sequence()) {
        queue.pollFirst().promise().complete();
        waiters--;
      }
      if (queue != null && queue.isEmpty()) {
        waiting.remove(row.rotationId());
      }
    }
    if (waiters == 0 && idle != null) {
      Promise<Void> done = idle;
      idle = null;
      done.complete();
    }
  }

  @Override
  public Future<Void> pick(long id, UserPicked picked, RotationState after) {
    delegate.pick(id, picked, after);
    Promise<Void> committed = Promise.promise();
    waiting.computeIfAbsent(id, k -> new ArrayDeque<>()).addLast(new Waiter(picked.sequence(), committed));
    waiters++;
    return committed.future();
  }

  @Override
  public int unacknowledged() {
    return waiters;
  }

  @Override
  public Future<Void> idle() {
    if (waiters == 0) {
      return Future.succeededFuture();
    }
    if (idle == null) {
      idle = Promise.promise();
    }
    return idle.future();
  }

  @Override
  public boolean settled(long id) {
    return true; // configuration writes go straight through; a pick waiting for its commit fences nothing
  }

  @Override
  public Future<Void> whenSettled(long id) {
    return Future.succeededFuture();
  }
}
