package io.leadrouter.owner;

import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.Rotation.Command;
import io.leadrouter.rotation.RotationState;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.eventbus.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One rotation's place in its owner: the entity once loaded, the commands waiting for it and, in a
 * cluster, the picks waiting for the replica. Confined to the owner's event loop.
 *
 * <p>{@code busy}: a command is waiting for the store (activation, a configuration write, a sequence
 * block) or for the replica; commands arriving meanwhile queue in order. {@code batch}: picks applied in
 * memory but not yet sent to the replica; {@code replicating}: one replica round is in flight (at most one
 * per rotation, so appends reach the replica in sequence order).
 */
final class Slot {

  /** A pick applied in memory, answered once the replica holds it. */
  record Pending(Message<Command> message, Rotation.UserPicked picked, RotationState after) {}

  final int partition;
  Rotation rotation;
  long ceiling;
  boolean busy = true;
  boolean reserving;
  /** A pick waits at the head of the queue for the next sequence block: the reason the slot is busy. */
  boolean awaitingBlock;
  /** The last reservation failed because the store is unreachable: picks may go above the ceiling. */
  boolean storeUnreachable;
  boolean aboveCeiling;
  long reserveFailedAt;
  long lastUsed;
  Counter picks;
  final ArrayDeque<Message<Command>> queue = new ArrayDeque<>();

  // cluster mode
  long epoch;
  long scheduleKey;
  long replicated;
  boolean replicating;
  boolean dirty;
  boolean awaitingReplica;
  /** Left memory (dropped, moved or passivated): late callbacks must not touch it. */
  boolean gone;
  /** Its partition moved away: leaves memory once its replica round is done. */
  boolean leaving;
  List<Pending> batch = new ArrayList<>();

  Slot(int partition) {
    this.partition = partition;
  }

  boolean replicaIdle() {
    return !replicating && batch.isEmpty();
  }
}
