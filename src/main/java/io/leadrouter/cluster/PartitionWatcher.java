package io.leadrouter.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.partition.MigrationListener;
import com.hazelcast.partition.MigrationState;
import com.hazelcast.partition.Partition;
import com.hazelcast.partition.PartitionLostEvent;
import com.hazelcast.partition.PartitionLostListener;
import com.hazelcast.partition.ReplicaMigrationEvent;
import io.leadrouter.owner.OwnerWatch;
import io.leadrouter.owner.Ownership;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which Hazelcast partitions this member owns, as a snapshot the owners read without blocking. Re-read on
 * every migration, membership change and partition loss (Hazelcast's listeners; Vert.x's own node listener
 * is left alone), and every {@code PERIOD_MS} in case an event was missed. Reading the partition table may
 * block (it can trigger the first arrangement), so it runs on a thread of its own, never on an event loop.
 */
final class PartitionWatcher implements Ownership, OwnerWatch, MigrationListener, MembershipListener,
    PartitionLostListener {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionWatcher.class);
  private static final long PERIOD_MS = 250;
  /** The member attribute naming a member's Vert.x node. */
  private static final String VERTX_NODE_ID = "__vertx.nodeId";
  /** After a member left, how long before commands are resent: its clean-up in the event bus takes that. */
  private static final long SETTLE_MS = 500;

  private final HazelcastInstance hazelcast;
  private final int count;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "leadrouter-partition-watcher");
    t.setDaemon(true);
    return t;
  });
  private final List<Consumer<Set<Object>>> departedListeners = new CopyOnWriteArrayList<>();
  private volatile boolean[] owned;
  /** The owner member of each partition, as last read. */
  private volatile UUID[] owners;
  /** The owner verticle's address on the member owning each partition, as last read (null: unknown). */
  private volatile String[] ownerAddresses;
  private volatile Set<UUID> members = Set.of();
  /** Event-bus node ids of the members that left (the latest ones). */
  private final Set<String> departedNodes = java.util.Collections.newSetFromMap(
      java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > 256;
        }
      }));
  private ClusterManager manager;
  private volatile long lastDeparture;
  private UUID migrationListener;
  private UUID membershipListener;
  private UUID lostListener;

  PartitionWatcher(HazelcastInstance hazelcast, int count) {
    this.hazelcast = hazelcast;
    this.count = count;
    this.owned = new boolean[count];
    this.owners = new UUID[count];
    this.ownerAddresses = new String[count];
    this.lastDeparture = System.nanoTime() - 10 * SETTLE_MS * 1_000_000;
  }

  /** Blocking: reads the partition table once, then follows it; {@code manager} holds the event-bus registrations. */
  void start(ClusterManager manager) {
    this.manager = manager;
    readMembers();
    refresh();
    migrationListener = hazelcast.getPartitionService().addMigrationListener(this);
    membershipListener = hazelcast.getCluster().addMembershipListener(this);
    lostListener = hazelcast.getPartitionService().addPartitionLostListener(this);
    thread.scheduleWithFixedDelay(this::refreshQuietly, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  void close() {
    thread.shutdownNow();
    if (hazelcast.getLifecycleService().isRunning()) {
      hazelcast.getPartitionService().removeMigrationListener(migrationListener);
      hazelcast.getCluster().removeMembershipListener(membershipListener);
      hazelcast.getPartitionService().removePartitionLostListener(lostListener);
    }
  }

  @Override
  public boolean hosts(int partition) {
    return owned[partition];
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

  @Override
  public Object ownerOf(int partition) {
    return owners[partition];
  }

  @Override
  public String ownerAddress(int partition) {
    return ownerAddresses[partition];
  }

  @Override
  public boolean departed(Object member) {
    return !members.contains(member);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Each member's event bus forgets a departed member in its own membership listener, which runs beside
   * this one: it removes the departed member's registrations from the shared map, then drops its routing
   * cache. The shared map can look clean (another member cleaned it) before this member's cache is, so a
   * command is resent only once this member's own clean-up is over: {@code SETTLE_MS} after the departure,
   * and after the cluster manager's membership handling (which holds its monitor) has finished.
   */
  @Override
  public Future<Void> routable(String address) {
    if (departedNodes.isEmpty()) {
      return Future.succeededFuture();
    }
    if (settling()) {
      return Future.failedFuture("the cluster is still forgetting a member that left");
    }
    Promise<List<RegistrationInfo>> registrations = Promise.promise();
    Future<Void> settled = io.vertx.core.Vertx.currentContext() == null ? Future.succeededFuture()
        : io.vertx.core.Vertx.currentContext().owner().executeBlocking(() -> {
          synchronized (manager) { // the Hazelcast cluster manager handles membership changes holding it
            return null;
          }
        }, false);
    settled.onComplete(v -> manager.getRegistrations(address, registrations));
    return registrations.future().compose(list -> {
      for (RegistrationInfo r : list) {
        if (departedNodes.contains(r.nodeId())) {
          return Future.failedFuture("a member that left still holds " + address);
        }
      }
      return Future.succeededFuture();
    });
  }

  @Override
  public boolean settling() {
    return System.nanoTime() - lastDeparture < SETTLE_MS * 1_000_000;
  }

  @Override
  public boolean connected() {
    return hazelcast.getLifecycleService().isRunning();
  }

  @Override
  public Runnable onDisconnected(Runnable listener) {
    java.util.concurrent.atomic.AtomicBoolean told = new java.util.concurrent.atomic.AtomicBoolean();
    UUID id = hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if ((event.getState() == LifecycleEvent.LifecycleState.SHUTTING_DOWN
          || event.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) && told.compareAndSet(false, true)) {
        listener.run();
      }
    });
    return () -> {
      try {
        hazelcast.getLifecycleService().removeLifecycleListener(id);
      } catch (RuntimeException ignored) {
        // already shut down
      }
    };
  }

  @Override
  public Runnable onDeparted(Consumer<Set<Object>> listener) {
    departedListeners.add(listener);
    return () -> departedListeners.remove(listener);
  }

  private void readMembers() {
    readMembers(hazelcast.getCluster().getMembers());
  }

  private void readMembers(Set<Member> current) {
    Set<UUID> now = new HashSet<>();
    for (Member m : current) {
      now.add(m.getUuid());
    }
    members = Set.copyOf(now);
  }

  private void refresh() {
    boolean[] next = new boolean[count];
    UUID[] nextOwners = new UUID[count];
    String[] nextAddresses = new String[count];
    for (Partition p : hazelcast.getPartitionService().getPartitions()) {
      Member owner = p.getOwner();
      int id = p.getPartitionId();
      next[id] = owner != null && owner.localMember();
      nextOwners[id] = owner == null ? null : owner.getUuid();
      nextAddresses[id] = owner == null ? null : ownerAddress(owner, id);
    }
    owners = nextOwners;
    ownerAddresses = nextAddresses;
    if (!Arrays.equals(next, owned)) {
      int before = ownedCount();
      owned = next;
      LOG.info("cluster: this member owns {} of {} partitions (was {})", ownedCount(), count, before);
      listeners.forEach(Runnable::run);
    }
  }

  /** The address of the owner verticle serving {@code partition} on {@code member}; null if it does not say. */
  private static String ownerAddress(Member member, int partition) {
    String node = member.getAttribute(VERTX_NODE_ID);
    String owners = member.getAttribute(HazelcastSetup.OWNERS_ATTRIBUTE);
    if (node == null || owners == null) {
      return null;
    }
    try {
      return io.leadrouter.owner.Partitioner.ownerAddress(node, partition % Integer.parseInt(owners));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private void refreshQuietly() {
    try {
      if (hazelcast.getLifecycleService().isRunning()) {
        readMembers();
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
    readMembers(event.getMembers());
    soon();
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    readMembers(event.getMembers());
    String node = event.getMember().getAttribute(VERTX_NODE_ID);
    if (node != null) {
      departedNodes.add(node);
    }
    lastDeparture = System.nanoTime();
    Set<Object> gone = Set.of(event.getMember().getUuid());
    for (Consumer<Set<Object>> listener : departedListeners) {
      try {
        listener.accept(gone);
      } catch (RuntimeException e) {
        LOG.warn("cluster: a listener of departed members failed", e);
      }
    }
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
