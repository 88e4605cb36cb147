package io.leadrouter.owner;

import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.Rotation.Command;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.store.Store;
import io.leadrouter.store.StoreException;
import io.leadrouter.store.StoredRotation;
import io.leadrouter.ops.Metrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owner of a share of the partitions: every partition {@code p} with {@code p % owners == index}. Hosts the
 * rotations of those partitions in memory, activates them lazily from the store and passivates idle ones.
 *
 * <p>All commands of a rotation arrive here and run one at a time on this verticle's event loop, which is
 * the only concurrency control on picks. A command that needs the store (activation, a configuration
 * write, a sequence block) marks the rotation busy; commands arriving meanwhile queue behind it in order.
 *
 * <p>Durability: a pick is acknowledged after it is applied in memory and queued for write-behind (flushed
 * within {@code flushIntervalMs}); configuration changes are acknowledged after the store committed them.
 */
public final class PartitionOwnerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionOwnerVerticle.class);
  private static final long RESERVE_RETRY_MS = 500;

  private final int index;
  private final Partitioner partitioner;
  private final Store store;
  private final OwnerSettings settings;
  private final Clock clock;
  private final Metrics metrics;
  private final OwnerStatus status;
  private final Map<Long, Slot> slots = new HashMap<>();
  private final List<MessageConsumer<Command>> consumers = new ArrayList<>();
  private WriteBehind writeBehind;

  /** One rotation's place in this owner: its entity once loaded, and the commands waiting for it. */
  private static final class Slot {
    Rotation rotation;
    long ceiling;
    boolean busy = true;
    boolean reserving;
    boolean unreserved;
    long lastReserveFailure;
    long lastUsed;
    Counter picks;
    final ArrayDeque<Message<Command>> queue = new ArrayDeque<>();
  }

  public PartitionOwnerVerticle(int index, Partitioner partitioner, Store store, OwnerSettings settings,
      Clock clock, Metrics metrics, OwnerStatus status) {
    this.metrics = metrics;
    this.status = status;
    this.index = index;
    this.partitioner = partitioner;
    this.store = store;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    writeBehind = new WriteBehind(vertx, store, settings.node(), settings.writeBufferMax(), settings.flushBatch(),
        settings.flushIntervalMs(), metrics);
    status.capacity = settings.writeBufferMax();
    vertx.setPeriodic(settings.flushIntervalMs(), id -> {
      writeBehind.tick();
      publish();
    });
    vertx.setPeriodic(Math.max(1_000, settings.idleMillis() / 2), id -> passivateIdle());
    List<Future<Void>> ready = new ArrayList<>();
    for (int p = index; p < partitioner.partitionCount(); p += settings.owners()) {
      String address = Partitioner.address(p);
      MessageConsumer<Command> c = settings.clustered()
          ? vertx.eventBus().consumer(address, this::onCommand)
          : vertx.eventBus().localConsumer(address, this::onCommand);
      consumers.add(c);
      ready.add(c.completion());
    }
    status.partitions = consumers.size();
    metrics.owner(index, status::backlog, status::activeRotations, status::partitions);
    return Future.join(ready);
  }

  private void publish() {
    status.backlog = writeBehind.backlog();
    status.storeFailing = writeBehind.failing();
    status.activeRotations = slots.size();
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> unregistered = new ArrayList<>();
    consumers.forEach(c -> unregistered.add(c.unregister()));
    return Future.join(unregistered)
        .compose(v -> writeBehind.drain())
        .compose(v -> releaseAll())
        .onSuccess(v -> LOG.info("owner {}: stopped cleanly, write-behind drained", index))
        .onFailure(e -> LOG.error("owner {}: stop could not flush everything: {}", index, e.getMessage()));
  }

  private Future<Void> releaseAll() {
    List<Future<Void>> released = new ArrayList<>();
    slots.forEach((id, slot) -> {
      if (slot.rotation != null && !slot.rotation.deleted()) {
        released.add(store.releaseSequences(id, slot.rotation.state().sequence()));
      }
    });
    return Future.join(released).mapEmpty();
  }

  // ---- dispatch ---------------------------------------------------------------------------------------

  private void onCommand(Message<Command> message) {
    long id = message.body().rotationId();
    Slot slot = slots.get(id);
    if (slot == null) {
      slot = new Slot();
      slots.put(id, slot);
      slot.queue.add(message);
      activate(id, slot);
    } else if (slot.busy) {
      slot.queue.add(message);
    } else {
      handle(id, slot, message);
    }
  }

  private void activate(long id, Slot slot) {
    store.loadRotation(id).onComplete(ar -> {
      if (ar.failed()) {
        slots.remove(id);
        failAll(slot, ar.cause());
        return;
      }
      StoredRotation stored = ar.result();
      if (stored == null) {
        slots.remove(id);
        failAll(slot, new StoreException(StoreException.Kind.NOT_FOUND, "rotation " + id + " not found"));
        return;
      }
      RotationState state = stored.state();
      if (stored.sequenceCeiling() > state.sequence()) {
        // the previous owner stopped without releasing its block: anything up to the ceiling may be taken
        LOG.warn("rotation {}: resuming after an unclean stop at sequence {}; numbers {}..{} skipped "
                + "(picks acknowledged among them but not yet flushed are missing from the assignment log)",
            id, stored.sequenceCeiling() + 1, state.sequence() + 1, stored.sequenceCeiling());
        state = state.withProgress(state.position(), stored.sequenceCeiling());
      }
      slot.rotation = new Rotation(state);
      slot.ceiling = state.sequence();
      slot.picks = metrics.picks(state.accountId());
      ready(id, slot);
    });
  }

  private void failAll(Slot slot, Throwable cause) {
    while (!slot.queue.isEmpty()) {
      fail(slot.queue.poll(), cause);
    }
  }

  /** Marks the slot free and runs queued commands until one needs the store again. */
  private void ready(long id, Slot slot) {
    slot.busy = false;
    while (!slot.busy && !slot.queue.isEmpty()) {
      handle(id, slot, slot.queue.poll());
    }
    if (slot.rotation != null && slot.rotation.deleted() && slots.get(id) == slot) {
      slots.remove(id);
      failAll(slot, new StoreException(StoreException.Kind.NOT_FOUND, "rotation " + id + " not found"));
    }
  }

  private void handle(long id, Slot slot, Message<Command> message) {
    Command command = message.body();
    Rotation rotation = slot.rotation;
    slot.lastUsed = clock.millis();
    if (command instanceof Rotation.Get) {
      if (rotation.deleted() || !rotation.state().accountId().equals(command.accountId())) {
        fail(message, new StoreException(StoreException.Kind.NOT_FOUND, "rotation " + id + " not found"));
      } else {
        message.reply(rotation.state(), Messages.OPTIONS);
      }
      return;
    }
    Rotation.Decision decision = rotation.decide(command, clock.instant());
    if (!decision.accepted()) {
      fail(message, decision.rejection());
    } else if (decision.event() instanceof Rotation.UserPicked picked) {
      pick(id, slot, message, picked);
    } else {
      persist(id, slot, message, decision.event());
    }
  }

  private void pick(long id, Slot slot, Message<Command> message, Rotation.UserPicked picked) {
    boolean outage = writeBehind.failing() || clock.millis() - slot.lastReserveFailure < 4 * RESERVE_RETRY_MS;
    if (picked.sequence() > slot.ceiling && outage) {
      // Postgres is unreachable, so no block can be reserved. Picks go on (the write-behind buffer holds
      // them); only a crash of this node before Postgres returns could hand these numbers out again.
      if (!slot.unreserved) {
        slot.unreserved = true;
        LOG.warn("rotation {}: store unreachable; handing out sequence numbers beyond the reserved block ({})"
            + " until it returns", id, slot.ceiling);
      }
    } else if (picked.sequence() > slot.ceiling) {
      // out of reserved numbers: wait for the next block, then decide again
      slot.busy = true;
      slot.queue.addFirst(message);
      reserve(id, slot);
      return;
    }
    if (!writeBehind.hasRoom()) {
      fail(message, new StoreException(StoreException.Kind.UNAVAILABLE, "write-behind buffer full ("
          + writeBehind.backlog() + " picks not yet stored); the store is unreachable or too slow — retry later"));
      return;
    }
    slot.rotation.apply(picked);
    writeBehind.add(picked);
    slot.picks.increment();
    message.reply(new PickReply(picked, slot.rotation.state()), Messages.OPTIONS);
    if (!slot.reserving && slot.ceiling - picked.sequence() < settings.sequenceBlock() / 2
        && (!outage || clock.millis() - slot.lastReserveFailure > RESERVE_RETRY_MS)) {
      reserve(id, slot); // refill ahead so the hot path rarely waits
    }
  }

  private void reserve(long id, Slot slot) {
    if (slot.reserving) {
      return;
    }
    slot.reserving = true;
    long target = slot.rotation.state().sequence() + settings.sequenceBlock();
    store.reserveSequences(id, target).onComplete(ar -> {
      slot.reserving = false;
      if (ar.succeeded()) {
        if (slot.unreserved) {
          LOG.info("rotation {}: sequence numbers reserved again up to {}", id, ar.result());
          slot.unreserved = false;
        }
        slot.ceiling = Math.max(slot.ceiling, ar.result());
        if (slot.busy) {
          ready(id, slot);
        }
      } else if (!slot.busy) {
        slot.lastReserveFailure = clock.millis();
      } else {
        slot.lastReserveFailure = clock.millis();
        LOG.warn("rotation {}: could not reserve sequence numbers: {}", id, ar.cause().getMessage());
        if (ar.cause() instanceof StoreException e && e.kind() == StoreException.Kind.UNAVAILABLE) {
          ready(id, slot); // the queued picks go on as in any outage (see pick)
        } else {
          slot.busy = false;
          failAll(slot, ar.cause());
        }
      }
    });
  }

  private void persist(long id, Slot slot, Message<Command> message, Rotation.Event event) {
    slot.busy = true;
    Future<Void> write;
    if (event instanceof Rotation.RotationDeleted) {
      write = writeBehind.drain().compose(v -> store.deleteRotation(id));
    } else {
      RotationState next = event instanceof Rotation.RotationUpdated u ? u.next()
          : ((Rotation.StatusChanged) event).next();
      write = store.saveRotation(next);
    }
    write.onComplete(ar -> {
      if (ar.succeeded()) {
        RotationState before = slot.rotation.state();
        slot.rotation.apply(event);
        message.reply(event instanceof Rotation.RotationDeleted ? before : slot.rotation.state(), Messages.OPTIONS);
      } else {
        fail(message, ar.cause());
      }
      ready(id, slot);
    });
  }

  // ---- passivation ------------------------------------------------------------------------------------

  private void passivateIdle() {
    long cutoff = clock.millis() - settings.idleMillis();
    List<Long> idle = new ArrayList<>();
    slots.forEach((id, slot) -> {
      if (!slot.busy && !slot.reserving && slot.queue.isEmpty() && slot.lastUsed < cutoff
          && !writeBehind.hasPending(id)) {
        idle.add(id);
      }
    });
    for (Long id : idle) {
      Slot slot = slots.remove(id);
      store.releaseSequences(id, slot.rotation.state().sequence());
    }
    if (!idle.isEmpty()) {
      LOG.debug("owner {}: passivated {} idle rotations, {} active", index, idle.size(), slots.size());
    }
  }

  private static void fail(Message<?> message, Object cause) {
    Messages.fail(message, cause);
  }
}
