package io.leadrouter.owner;

import io.leadrouter.ops.Metrics;
import io.leadrouter.rotation.Rotation.Command;
import io.leadrouter.store.RotationStore;
import io.leadrouter.util.Consumers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owner of a share of the partitions: every partition {@code p} with {@code p % owners == index} that this
 * node hosts (all of them on a single node; in a cluster, those whose Hazelcast partition this member owns).
 * For each hosted partition it registers one consumer on the partition's address (cluster-wide in a
 * cluster, never one per rotation) and runs the commands of its rotations ({@link ActiveRotations}, one
 * {@link Lifecycle} per rotation in memory).
 *
 * <p>All commands of a rotation arrive here and run one at a time on this verticle's event loop, which is
 * the only concurrency control on picks.
 *
 * <p>Durability: on a single node a pick is acknowledged after it is applied in memory and queued for
 * write-behind (flushed within {@code flushIntervalMs}). In a cluster it is acknowledged only after the
 * replica (a second member) holds it: see {@link GroupCommit}. Configuration changes are acknowledged after
 * the store committed them.
 */
public final class PartitionOwnerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionOwnerVerticle.class);
  private static final long REREGISTER_DELAY_MS = 200;
  private static final long RELEASE_DELAY_MS = 3_000;

  private final int index;
  private final Partitioner partitioner;
  private final RotationStore store;
  private final OwnerSettings settings;
  private final Clock clock;
  private final Metrics metrics;
  private final OwnerStatus status;
  private final Ownership ownership;
  private final Replica replica;
  /** Single node: where this owner enters its partitions for commands sent without the event bus, or null. */
  private final LocalOwners local;
  private final Handler<Message<Command>> handler = this::onCommand;
  private final Map<Integer, MessageConsumer<Command>> hosted = new HashMap<>();
  /**
   * Consumers of partitions handed over, kept registered for {@code RELEASE_DELAY_MS}: the event bus drops a
   * message that reaches a node with no consumer for its address (it does not refuse it), and the other
   * members route here until they learn of the new owner, so until then this node answers MOVED.
   */
  private final Map<Integer, MessageConsumer<Command>> releasing = new HashMap<>();
  /** Cluster: this owner's own address, for the commands of every partition it hosts. */
  private MessageConsumer<Command> ownerConsumer;
  private WriteBehind writeBehind;
  private ActiveRotations rotations;
  private Runnable stopWatching = () -> { };
  private final Refusals refusals = new Refusals();
  private boolean stopping;

  /** Single node: hosts every partition, acknowledges picks from memory. */
  public PartitionOwnerVerticle(int index, Partitioner partitioner, RotationStore store, OwnerSettings settings,
      Clock clock, Metrics metrics, OwnerStatus status) {
    this(index, partitioner, store, settings, clock, metrics, status, Ownership.everything(), null, null);
  }

  /** Single node whose partitions are entered in {@code local} too (see {@link LocalOwners}). */
  public PartitionOwnerVerticle(int index, Partitioner partitioner, RotationStore store, OwnerSettings settings,
      Clock clock, Metrics metrics, OwnerStatus status, LocalOwners local) {
    this(index, partitioner, store, settings, clock, metrics, status, Ownership.everything(), null, local);
  }

  /** Cluster member: hosts what {@code ownership} says, acknowledges picks once {@code replica} has them. */
  public PartitionOwnerVerticle(int index, Partitioner partitioner, RotationStore store, OwnerSettings settings,
      Clock clock, Metrics metrics, OwnerStatus status, Ownership ownership, Replica replica) {
    this(index, partitioner, store, settings, clock, metrics, status, ownership, replica, null);
  }

  private PartitionOwnerVerticle(int index, Partitioner partitioner, RotationStore store, OwnerSettings settings,
      Clock clock, Metrics metrics, OwnerStatus status, Ownership ownership, Replica replica, LocalOwners local) {
    this.local = local;
    this.metrics = metrics;
    this.status = status;
    this.index = index;
    this.partitioner = partitioner;
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    this.ownership = ownership;
    this.replica = replica;
  }

  @Override
  public Future<?> start() {
    writeBehind = new WriteBehind(vertx, store, settings.node(), settings.writeBufferMax(), settings.flushBatch(),
        settings.flushIntervalMs(), metrics);
    IntPredicate serves = p -> hosted.containsKey(p) && ownership.hosts(p);
    // acknowledged picks are announced to the event streams of every member (PickEvents)
    Acknowledgement ack = new PickEvents(vertx, replica != null
        ? new GroupCommit(context, replica, store, writeBehind, serves, metrics)
        : settings.ackOnCommit() ? new AckOnCommit(store, writeBehind)
        : new AckFromMemory(store, writeBehind));
    rotations = new ActiveRotations(ack, store, settings, clock, metrics, writeBehind, serves);
    status.capacity = settings.writeBufferMax();
    vertx.setPeriodic(settings.flushIntervalMs(), id -> {
      writeBehind.tick();
      publish();
    });
    vertx.setPeriodic(Math.max(1_000, settings.idleMillis() / 2), id -> rotations.passivateIdle());
    List<Future<Void>> ready = new ArrayList<>();
    for (int p = index; p < partitioner.partitionCount(); p += settings.owners()) {
      if (ownership.hosts(p)) {
        ready.add(host(p));
      }
    }
    Context ctx = context;
    stopWatching = ownership.onChange(() -> ctx.runOnContext(v -> rehost()));
    if (settings.clustered()) {
      // one address for every partition this owner hosts, registered as long as the owner lives: a command for
      // a partition it no longer hosts is answered MOVED here, never dropped (see OwnerWatch#ownerAddress)
      ClusterManager manager = ((VertxInternal) vertx).clusterManager();
      String address = Partitioner.ownerAddress(manager.getNodeId(), index);
      ready.add(Consumers.registered(vertx, address, () -> vertx.eventBus().<Command>consumer(address, this::onCommand))
          .onSuccess(c -> ownerConsumer = c).mapEmpty());
    }
    status.partitions = hosted.size();
    metrics.owner(index, status::backlog, status::activeRotations, status::partitions);
    return Future.join(ready);
  }

  private void publish() {
    status.backlog = rotations.buffered();
    status.storeFailing = writeBehind.failing();
    status.activeRotations = rotations.size();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (local != null) { // from now on commands go by the event bus, and find no consumer once unregistered
      hosted.keySet().forEach(local::leave);
    }
    stopWatching.run();
    List<Future<Void>> unregistered = new ArrayList<>();
    hosted.values().forEach(c -> unregistered.add(c.unregister()));
    hosted.clear();
    releasing.values().forEach(c -> unregistered.add(c.unregister()));
    releasing.clear();
    if (ownerConsumer != null) {
      unregistered.add(ownerConsumer.unregister());
    }
    Future<Void> settled = Future.join(unregistered).<Void>mapEmpty().recover(e -> {
      // the cluster is gone from under this member (its registrations went with it): drain all the same
      LOG.warn("owner {}: could not unregister its partitions: {}", index, e.toString());
      return Future.succeededFuture();
    });
    if (replica != null) {
      // the next owner serves what waits here; picks already sent to the replica finish first
      rotations.failWaiting();
      settled = settled.compose(v -> rotations.replicated());
    }
    return settled
        .compose(v -> writeBehind.drain())
        .compose(v -> rotations.releaseAll())
        .onSuccess(v -> LOG.info("owner {}: stopped cleanly, write-behind drained", index))
        .onFailure(e -> LOG.error("owner {}: stop could not flush everything: {}", index, e.getMessage()));
  }

  // ---- hosting ----------------------------------------------------------------------------------------

  private Future<Void> host(int partition) {
    MessageConsumer<Command> kept = releasing.remove(partition);
    if (kept != null) { // handed over and back before its consumer was released: it is still registered
      hosted.put(partition, kept);
      return Future.succeededFuture();
    }
    String address = Partitioner.address(partition);
    MessageConsumer<Command> c = settings.clustered()
        ? vertx.eventBus().consumer(address, handler)
        : vertx.eventBus().localConsumer(address, handler);
    hosted.put(partition, c);
    if (local != null) { // a local consumer is registered at once
      local.serve(partition, context, handler);
    }
    return c.completion().recover(e -> {
      // the cluster-wide registration may not have happened (e.g. its backup did not confirm during a
      // migration): no member would route the partition here, so drop it and register it again
      LOG.warn("owner {}: registering partition {} failed ({}); registering it again", index, partition, e.toString());
      if (hosted.get(partition) == c) {
        hosted.remove(partition);
        c.unregister();
        vertx.setTimer(REREGISTER_DELAY_MS, t -> rehost());
      }
      return Future.succeededFuture();
    });
  }

  /** Follows ownership: registers the partitions gained, hands over those lost. */
  private void rehost() {
    if (stopping) {
      return;
    }
    Set<Integer> gained = new HashSet<>();
    int lost = 0;
    for (int p = index; p < partitioner.partitionCount(); p += settings.owners()) {
      boolean owns = ownership.hosts(p);
      if (owns && !hosted.containsKey(p)) {
        host(p);
        gained.add(p);
      } else if (!owns && hosted.containsKey(p)) {
        // stop serving: what still arrives is answered MOVED (its sender resends it to the new owner) until
        // the consumer is released, once every member routes the partition to its new owner
        MessageConsumer<Command> c = hosted.remove(p);
        releasing.put(p, c);
        int partition = p;
        vertx.setTimer(RELEASE_DELAY_MS, t -> {
          if (releasing.remove(partition, c)) {
            c.unregister();
          }
        });
        rotations.leave(p);
        lost++;
      }
    }
    status.partitions = hosted.size();
    if (!gained.isEmpty() || lost > 0) {
      LOG.debug("owner {}: hosts {} partitions ({} gained, {} handed over)", index, hosted.size(), gained.size(), lost);
    }
    if (!gained.isEmpty() && replica != null) {
      takeOverUnstored(gained);
    }
  }

  /**
   * Picks the previous owner acknowledged but did not store are in the replica only: activate their
   * rotations now, which queues those picks for the store, rather than when the rotation is next used.
   */
  private void takeOverUnstored(Set<Integer> gained) {
    replica.unstored(gained).onSuccess(ids -> {
      for (long id : ids) {
        int partition = partitioner.partitionOf(id);
        if (hosted.containsKey(partition) && !stopping) {
          rotations.activateIdle(id, partition);
        }
      }
      if (!ids.isEmpty()) {
        LOG.info("owner {}: took over {} rotations with acknowledged picks not yet stored", index, ids.size());
      }
    }).onFailure(e -> LOG.warn("owner {}: could not look for unstored picks: {}", index, e.getMessage()));
  }

  private void onCommand(Message<Command> message) {
    Object body = message.body();
    if (!(body instanceof Command command)) {
      // not a command a member signed (a client of the cluster, or a member with another cluster-secret):
      // nothing runs; the sender learns why
      refusals.refuse(message, body);
      return;
    }
    String address = message.address();
    int partition;
    try {
      partition = address.startsWith(Partitioner.ADDRESS_PREFIX)
          ? Integer.parseInt(address, Partitioner.ADDRESS_PREFIX.length(), address.length(), 10)
          : partitioner.partitionOf(command.rotationId());
    } catch (RuntimeException e) { // no partition table (the cluster is gone): someone else serves it
      Messages.fail(message, ActiveRotations.moved(command.rotationId()));
      return;
    }
    if (!hosted.containsKey(partition)) {
      Messages.fail(message, ActiveRotations.moved(command.rotationId()));
    } else {
      rotations.dispatch(partition, message);
    }
  }
}
