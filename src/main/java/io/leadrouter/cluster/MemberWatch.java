package io.leadrouter.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.leadrouter.owner.OwnerWatch;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The members of the cluster and their departures, for failing over at once: a command sent to an owner that
 * has left would otherwise wait for its whole timeout (a message to a dead member is dropped, not refused).
 * Who owns a partition is read from the {@link PartitionWatcher}'s snapshot.
 */
final class MemberWatch implements OwnerWatch, MembershipListener {

  private static final Logger LOG = LoggerFactory.getLogger(MemberWatch.class);
  /** The member attribute naming a member's Vert.x node. */
  static final String VERTX_NODE_ID = "__vertx.nodeId";
  /** After a member left, how long before commands are resent: its clean-up in the event bus takes that. */
  private static final long SETTLE_MS = 500;
  private static final int DEPARTED_KEPT = 256;

  private final HazelcastInstance hazelcast;
  private final PartitionWatcher partitions;
  private final List<Consumer<Set<Object>>> departedListeners = new CopyOnWriteArrayList<>();
  private volatile Set<UUID> members = Set.of();
  /** Event-bus node ids of the members that left (the latest ones). */
  private final Set<String> departedNodes = Collections.newSetFromMap(Collections.synchronizedMap(
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > DEPARTED_KEPT;
        }
      }));
  private ClusterManager manager;
  private volatile long lastDeparture = System.nanoTime() - 10 * SETTLE_MS * 1_000_000;
  private UUID membershipListener;

  MemberWatch(HazelcastInstance hazelcast, PartitionWatcher partitions) {
    this.hazelcast = hazelcast;
    this.partitions = partitions;
  }

  /** Blocking: reads the members once, then follows them. */
  void start(ClusterManager manager) {
    this.manager = manager;
    readMembers();
    membershipListener = hazelcast.getCluster().addMembershipListener(this);
  }

  void close() {
    if (hazelcast.getLifecycleService().isRunning() && membershipListener != null) {
      hazelcast.getCluster().removeMembershipListener(membershipListener);
    }
  }

  void readMembers() {
    readMembers(hazelcast.getCluster().getMembers());
  }

  private void readMembers(Set<Member> current) {
    Set<UUID> now = new HashSet<>();
    for (Member m : current) {
      now.add(m.getUuid());
    }
    members = Set.copyOf(now);
  }

  @Override
  public Object ownerOf(int partition) {
    return partitions.owner(partition).member();
  }

  @Override
  public String ownerAddress(int partition) {
    return partitions.owner(partition).address();
  }

  @Override
  public String foreignOwner(int partition) {
    ForeignMembers.Foreign f = partitions.foreign().owning(partition);
    return f == null ? null : "its partition " + partition + " is held by member " + f.address() + " (uuid " + f.uuid()
        + "), which is not a Lead Router member (a client joined as a full Hazelcast member?); it cannot be picked"
        + " until that member leaves the cluster";
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
    Future<Void> settled = Vertx.currentContext() == null ? Future.succeededFuture()
        : Vertx.currentContext().owner().executeBlocking(() -> {
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
    AtomicBoolean told = new AtomicBoolean();
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

  @Override
  public void memberAdded(MembershipEvent event) {
    readMembers(event.getMembers());
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
  }
}
