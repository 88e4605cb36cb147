package io.leadrouter.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.MigrationListener;
import com.hazelcast.partition.MigrationState;
import com.hazelcast.partition.Partition;
import com.hazelcast.partition.PartitionLostEvent;
import com.hazelcast.partition.PartitionLostListener;
import com.hazelcast.partition.ReplicaMigrationEvent;
import io.leadrouter.owner.Ownership;
import io.leadrouter.owner.Partitioner;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which Hazelcast partitions this member owns, and who owns the others, as a snapshot the owners read
 * without blocking. Re-read on every migration, membership change and partition loss (Hazelcast's
 * listeners; Vert.x's own node listener is left alone), and every {@code PERIOD_MS} in case an event was
 * missed. Reading the partition table may block (it can trigger the first arrangement), so it runs on a
 * thread of its own, never on an event loop. Members leaving are followed by {@link MemberWatch}.
 */
final class PartitionWatcher implements Ownership, MigrationListener, MembershipListener, PartitionLostListener {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionWatcher.class);
  private static final long PERIOD_MS = 250;

  /** The owner of one partition as last read: its member and its owner verticle's address there (null: unknown). */
  record PartitionOwner(UUID member, String address) {
    static final PartitionOwner UNKNOWN = new PartitionOwner(null, null);
  }

  private final HazelcastInstance hazelcast;
  private final int count;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "leadrouter-partition-watcher");
    t.setDaemon(true);
    return t;
  });
  private final MemberWatch members;
  private final ForeignMembers foreign = new ForeignMembers();
  private volatile boolean[] owned;
  private volatile PartitionOwner[] owners;
  private UUID migrationListener;
  private UUID membershipListener;
  private UUID lostListener;

  PartitionWatcher(HazelcastInstance hazelcast, int count) {
    this.hazelcast = hazelcast;
    this.count = count;
    this.owned = new boolean[count];
    this.owners = new PartitionOwner[count];
    Arrays.fill(owners, PartitionOwner.UNKNOWN);
    this.members = new MemberWatch(hazelcast, this);
  }

  /** Blocking: reads the partition table once, then follows it; {@code manager} holds the event-bus registrations. */
  void start(ClusterManager manager) {
    members.start(manager);
    refresh();
    migrationListener = hazelcast.getPartitionService().addMigrationListener(this);
    membershipListener = hazelcast.getCluster().addMembershipListener(this);
    lostListener = hazelcast.getPartitionService().addPartitionLostListener(this);
    thread.scheduleWithFixedDelay(this::refreshQuietly, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  void close() {
    thread.shutdownNow();
    members.close();
    if (hazelcast.getLifecycleService().isRunning()) {
      hazelcast.getPartitionService().removeMigrationListener(migrationListener);
      hazelcast.getCluster().removeMembershipListener(membershipListener);
      hazelcast.getPartitionService().removePartitionLostListener(lostListener);
    }
  }

  /** Members and their departures, with the owner of each partition as read here. */
  MemberWatch members() {
    return members;
  }

  @Override
  public boolean hosts(int partition) {
    return owned[partition];
  }

  /** Members that own partitions but are not Lead Router members (see {@link ForeignMembers}). */
  ForeignMembers foreign() {
    return foreign;
  }

  /** Partitions owned now. */
  int ownedCount() {
    int n = 0;
    for (boolean b : owned) {
      n += b ? 1 : 0;
    }
    return n;
  }

  @Override
  public Runnable onChange(Runnable listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** The owner of {@code partition} as last read; never null. */
  PartitionOwner owner(int partition) {
    return owners[partition];
  }

  private void refresh() {
    boolean[] next = new boolean[count];
    PartitionOwner[] nextOwners = new PartitionOwner[count];
    Arrays.fill(nextOwners, PartitionOwner.UNKNOWN);
    Member[] ownerMembers = new Member[count];
    for (Partition p : hazelcast.getPartitionService().getPartitions()) {
      Member owner = p.getOwner();
      int id = p.getPartitionId();
      next[id] = owner != null && owner.localMember();
      if (owner != null) {
        nextOwners[id] = new PartitionOwner(owner.getUuid(), ownerAddress(owner, id));
        ownerMembers[id] = owner;
      }
    }
    owners = nextOwners;
    Set<UUID> present = new HashSet<>();
    hazelcast.getCluster().getMembers().forEach(m -> present.add(m.getUuid()));
    foreign.update(ownerMembers, present);
    if (!Arrays.equals(next, owned)) {
      int before = ownedCount();
      owned = next;
      LOG.info("cluster: this member owns {} of {} partitions (was {})", ownedCount(), count, before);
      listeners.forEach(Runnable::run);
    }
  }

  /** The address of the owner verticle serving {@code partition} on {@code member}; null if it does not say. */
  private static String ownerAddress(Member member, int partition) {
    String node = member.getAttribute(MemberWatch.VERTX_NODE_ID);
    String owners = member.getAttribute(HazelcastSetup.OWNERS_ATTRIBUTE);
    if (node == null || owners == null) {
      return null;
    }
    try {
      return Partitioner.ownerAddress(node, partition % Integer.parseInt(owners));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private void refreshQuietly() {
    try {
      if (hazelcast.getLifecycleService().isRunning()) {
        members.readMembers();
        refresh();
      }
    } catch (RuntimeException e) {
      LOG.debug("partition table not readable right now: {}", e.toString());
    }
  }

  private void soon() {
    if (!thread.isShutdown()) {
      try {
        thread.execute(this::refreshQuietly);
      } catch (RuntimeException ignored) {
        // shutting down
      }
    }
  }

  @Override
  public void migrationStarted(MigrationState state) {
  }

  @Override
  public void migrationFinished(MigrationState state) {
    soon();
  }

  @Override
  public void replicaMigrationCompleted(ReplicaMigrationEvent event) {
    if (event.getReplicaIndex() == 0) {
      soon();
    }
  }

  @Override
  public void replicaMigrationFailed(ReplicaMigrationEvent event) {
    soon();
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    soon();
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    soon();
  }

  @Override
  public void partitionLost(PartitionLostEvent event) {
    // 0: the primary died and its backup took over, the usual failover; more: the replica's only backup too
    if (event.getLostBackupCount() >= 1 || event.allReplicasInPartitionLost()) {
      LOG.warn("partition {} lost its primary and backup (members died together): its rotations resume from "
          + "the store, skipping up to one sequence block each", event.getPartitionId());
    }
    soon();
  }
}
