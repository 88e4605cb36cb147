package io.leadrouter.owner;

import io.leadrouter.rotation.Rotation.UserPicked;
import io.leadrouter.rotation.RotationState;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/**
 * One claimed rotation's replica traffic in {@link GroupCommit}: the epoch of its claim, what the replica
 * holds, and the picks waiting for it. Lives from the rotation's activation until it leaves memory or a
 * round fails. Confined to the owner's event loop.
 */
final class ReplicaTrack {

  /** A pick applied in memory, acknowledged once the replica holds it. */
  record Pending(UserPicked picked, RotationState after, Promise<Void> acknowledged) {}

  final long id;
  final long epoch;
  long scheduleKey;
  /** The sequence the replica holds. */
  long replicated;
  /** Picks not yet sent: they go with the next round. */
  List<Pending> batch = new ArrayList<>();
  /** One round is in flight (at most one, so appends reach the replica in sequence order). */
  boolean replicating;
  /** Listed to start a round at the end of this event-loop turn. */
  boolean dirty;
  /** Completed once nothing waits or is in flight; failed with a failed round. */
  Promise<Void> settled;

  ReplicaTrack(long id, long epoch, long scheduleKey, long replicated) {
    this.id = id;
    this.epoch = epoch;
    this.scheduleKey = scheduleKey;
    this.replicated = replicated;
  }

  boolean idle() {
    return !replicating && batch.isEmpty();
  }
}
