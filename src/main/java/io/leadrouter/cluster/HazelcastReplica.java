package io.leadrouter.cluster;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.map.IMap;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import io.leadrouter.owner.Partitioner;
import io.leadrouter.owner.Replica;
import io.leadrouter.owner.ReplicaException;
import io.leadrouter.rotation.Ledger;
import io.leadrouter.store.Assignment;
import io.leadrouter.store.RotationJson;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@link Replica} on a Hazelcast IMap keyed by rotation id, with one synchronous backup: a write completes
 * once the backup member applied it too. The map's key is the rotation id, so its Hazelcast partition is
 * the rotation's partition and the owner's writes run locally, plus one round trip to the backup.
 *
 * <p>Split-brain protection on the map refuses every operation on a side with fewer members than the
 * quorum; {@code hazelcast.operation.fail.on.indeterminate.state} turns a write whose backup did not confirm
 * into a failure instead of a silent success.
 *
 * <p>Every call answers, whatever Hazelcast does: an exception thrown while submitting (the instance is
 * shutting down, say) becomes a failed future, a side below the quorum is refused before anything is sent,
 * and an operation Hazelcast keeps retrying (a partition without an owner during a migration) fails after
 * {@code timeoutMs}. Such a late operation is harmless: appends are fenced by epoch and sequence.
 */
final class HazelcastReplica implements Replica {

  static final String MAP = "leadrouter.replica";
  static final String QUORUM = "leadrouter-quorum";

  private final Vertx vertx;
  private final Cluster cluster;
  private final IMap<Long, ReplicaEntry> map;
  private final Partitioner partitioner;
  private final int quorum;
  private final long timeoutMs;
  private final HazelcastInstance hazelcast;
  private volatile SplitBrainProtection protection;
  /** Members that announced a graceful leave (the latest ones). */
  private final Set<UUID> leavingGracefully = Collections.newSetFromMap(Collections.synchronizedMap(
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
          return size() > 256;
        }
      }));

  HazelcastReplica(Vertx vertx, HazelcastInstance hazelcast, Partitioner partitioner, int quorum, long timeoutMs) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.cluster = hazelcast.getCluster();
    this.map = hazelcast.getMap(MAP);
    this.partitioner = partitioner;
    this.quorum = quorum;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<Claim> claim(long rotationId) {
    return confirmed(() -> map.submitToKey(rotationId, new ReplicaOps.Claim()))
        .map(c -> new Claim(c.epoch, c.sequence >= 0, c.position, Math.max(0, c.sequence), c.scheduleKey,
            RotationJson.ledger(c.ledger), c.pending));
  }

  @Override
  public Future<Void> append(long rotationId, long epoch, long fromSequence, long toSequence, int position,
      Ledger ledger, long scheduleKey, List<Assignment> picks) {
    return confirmed(() -> map.submitToKey(rotationId, new ReplicaOps.Append(epoch, fromSequence, toSequence,
            position, scheduleKey, RotationJson.ledger(ledger), picks)))
        .compose(code -> switch (code) {
          case ReplicaOps.OK -> Future.succeededFuture();
          case ReplicaOps.STALE_EPOCH -> Future.failedFuture(new ReplicaException(ReplicaException.Kind.FENCED,
              "rotation " + rotationId + " was taken over by another member"));
          default -> Future.failedFuture(new ReplicaException(ReplicaException.Kind.FENCED,
              "rotation " + rotationId + " moved on in the replica since this member read it"));
        });
  }

  @Override
  public Future<Void> trim(long rotationId, long epoch, long sequence) {
    return call(() -> map.submitToKey(rotationId, new ReplicaOps.Trim(epoch, sequence)));
  }

  @Override
  public Future<Void> forget(long rotationId, long epoch) {
    return call(() -> map.submitToKey(rotationId, new ReplicaOps.Forget(epoch)));
  }

  @Override
  public Future<List<Long>> unstored(Set<Integer> partitions) {
    // a local query over this member's partitions: blocking, so on a worker
    return vertx.executeBlocking(() -> {
      List<Long> ids = new ArrayList<>();
      for (Long id : map.localKeySet(new HasPending())) {
        if (partitions.contains(partitioner.partitionOf(id))) {
          ids.add(id);
        }
      }
      return ids;
    }, false);
  }

  /**
   * A write whose success means a second member holds it. Hazelcast completes a write without its backup's
   * acknowledgement when, meanwhile, the backup left this member's view: normally the backup died, and this
   * member's copy is the only one until a new backup syncs. But a member that was frozen (a long pause)
   * resumes with a stale partition table, writes to its own out-of-date copy, and its backup (which has
   * removed it, and refuses its operations) never answers: when it learns it was removed, the write
   * "completes". So a write during which any member left is not confirmed: the caller treats it as failed
   * (its picks are not acknowledged; they may still surface in the log, never twice).
   */
  private <T> Future<T> confirmed(Supplier<CompletionStage<T>> write) {
    Set<Member> before;
    try {
      before = cluster.getMembers();
    } catch (RuntimeException e) {
      return Future.failedFuture(translate(e));
    }
    return call(write).compose(result -> noneLeftAbruptly(before)
        ? Future.succeededFuture(result)
        : Future.failedFuture(new ReplicaException(ReplicaException.Kind.UNAVAILABLE, "a member left while the "
            + "pick was being replicated, so no second copy is certain; nothing was acknowledged — retry")));
  }

  /**
   * Whether every member of {@code before} is still here or left gracefully: a member that announced its
   * leave (see {@link ClusterNode#handOver}) migrated its partition replicas away before going, so it held
   * no copy a write could have depended on.
   */
  private boolean noneLeftAbruptly(Set<Member> before) {
    Set<Member> now = cluster.getMembers();
    for (Member m : before) {
      if (!now.contains(m) && !leavingGracefully.contains(m.getUuid())) {
        return false;
      }
    }
    return true;
  }

  /** {@code member} announced that it hands its partitions over and leaves. */
  void leavingGracefully(UUID member) {
    leavingGracefully.add(member);
  }

  /** Submits on the calling thread and completes on the calling context; never throws. */
  private <T> Future<T> call(Supplier<CompletionStage<T>> submit) {
    Context context = vertx.getOrCreateContext();
    CompletionStage<T> stage;
    try {
      if (!quorumPresent()) {
        throw new SplitBrainProtectionException("fewer than " + quorum + " members");
      }
      stage = submit.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(translate(e));
    }
    return Future.fromCompletionStage(stage, context)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(e -> Future.failedFuture(translate(e)));
  }

  /** Hazelcast's own view (a volatile read): refusing early spares a round trip that would be refused. */
  private boolean quorumPresent() {
    if (quorum < 2) {
      return true;
    }
    SplitBrainProtection p = protection;
    if (p == null) {
      p = hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(QUORUM);
      protection = p;
    }
    return p.hasMinimumSize();
  }

  private ReplicaException translate(Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof SplitBrainProtectionException) {
      return new ReplicaException(ReplicaException.Kind.MINORITY, "this node is cut off from the majority of the "
          + "cluster (fewer than " + quorum + " members reachable); it hands out no picks so that no sequence is "
          + "given twice — retry through another node", cause);
    }
    if (cause instanceof ReplicaException r) {
      return r;
    }
    if (cause instanceof HazelcastInstanceNotActiveException) {
      // this member is leaving (or left) the cluster: nothing was written, and the rotation's partition is
      // served by another member now, so the command goes there (the caller resends it)
      return new ReplicaException(ReplicaException.Kind.FENCED, "this member has left the cluster; the rotation "
          + "is served by another member", cause);
    }
    if (cause instanceof TimeoutException) {
      return new ReplicaException(ReplicaException.Kind.UNAVAILABLE, "the replica did not answer within " + timeoutMs
          + " ms (a partition migration or an unreachable backup); nothing was acknowledged — retry", cause);
    }
    return new ReplicaException(ReplicaException.Kind.UNAVAILABLE, "the pick could not be replicated to a second "
        + "member (" + cause.getClass().getSimpleName() + "); nothing was acknowledged — retry", cause);
  }
}
