package io.leadrouter.owner;

import io.leadrouter.rotation.Rotation;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster member's way to its owners (for {@link RotationService}): each command goes by the event bus to
 * the owner of its rotation's partition, looked up again on every attempt.
 *
 * <p>A partition is briefly unserved while it moves between members: the old owner has unregistered (no
 * handler) or refuses with {@link Messages#MOVED}. Neither ran the command, so it is sent again, with a short
 * back-off, until the request's time is up.
 *
 * <p>A member that dies takes the commands sent to it along: the event bus drops a message to a dead node
 * rather than refusing it. So every command in flight remembers which member owned its partition when it
 * was sent, and when that member leaves the cluster the command is sent again at once, to the new owner,
 * instead of waiting out its timeout. A resent pick may have been made by the dead owner before it died
 * (then its sequence is skipped for this caller, never given twice); a delete is not resent but answered
 * 503, since it may have happened.
 */
final class Failover {

  private static final Logger LOG = LoggerFactory.getLogger(Failover.class);
  private static final long MAX_BACKOFF_MS = 100;
  /** After a member's registrations are gone from the cluster, until every member's routing cache follows. */
  private static final long ROUTES_SETTLE_MS = 50;

  private final Vertx vertx;
  private final Partitioner partitioner;
  private final long timeoutMs;
  private final OwnerWatch watch;
  private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong attempts = new AtomicLong();

  /** A command sent to {@code owner}, whose answer is {@code answer}. */
  private record InFlight(Object owner, Context context, Promise<Object> answer) {}

  Failover(Vertx vertx, Partitioner partitioner, long timeoutMs, OwnerWatch watch) {
    this.vertx = vertx;
    this.partitioner = partitioner;
    this.timeoutMs = timeoutMs;
    this.watch = watch;
    watch.onDeparted(this::ownersLeft);
    watch.onDisconnected(this::disconnected);
  }

  /** The owner's answer; a failure is a {@link ServiceException} once the request's time is up. */
  Future<Object> send(Rotation.Command command) {
    return sendUntil(command, System.nanoTime() + timeoutMs * 1_000_000, 5, false);
  }

  /** {@code afterDeparture}: an owner left; send only once the event bus no longer routes to it. */
  private Future<Object> sendUntil(Rotation.Command command, long deadline, long backoffMs, boolean afterDeparture) {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (!watch.connected()) {
      // the event bus would hold the message until its timeout: without a cluster it cannot route it
      return Future.failedFuture(lostCluster());
    }
    // the partition is looked up again on every attempt: ownership is what changes meanwhile
    int partition;
    try {
      partition = partitioner.partitionOf(command.rotationId());
    } catch (RuntimeException e) { // a member whose Hazelcast instance stopped cannot place a rotation
      LOG.debug("no partition for rotation {}", command.rotationId(), e);
      return Future.failedFuture(new ServiceException(503, "this member has lost its cluster connection ("
          + e.getClass().getSimpleName() + "); retry through another member"));
    }
    String foreign = watch.foreignOwner(partition);
    if (foreign != null) { // no owner there: waiting would only end in the timeout
      return Future.failedFuture(new ServiceException(503, "rotation " + command.rotationId() + ": " + foreign));
    }
    Object owner = watch.ownerOf(partition);
    String ownerAddress = watch.ownerAddress(partition);
    String address = ownerAddress != null ? ownerAddress : Partitioner.address(partition);
    Future<Object> attempt;
    if (owner == null) {
      // the partition has no owner right now (a member died and Hazelcast has not promoted the backup yet):
      // its partition address may still name the dead member's consumer, where a message is dropped unanswered
      // and, with no owner to watch, never sent again. Wait for the table to name one (nothing sent).
      attempt = Future.failedFuture(new NotRoutable());
    } else if (watch.departed(owner)) {
      // the partition table still names a member that left: wait for the new owner (nothing sent)
      attempt = Future.failedFuture(new NotRoutable());
    } else if (afterDeparture || watch.settling()) {
      // the event bus drops what it still routes to the member that left: wait until it forgot it
      attempt = watch.routable(address)
          .transform(ar -> ar.succeeded() ? vertx.timer(ROUTES_SETTLE_MS) : Future.failedFuture(new NotRoutable()))
          .compose(v -> request(address, command, watch.ownerOf(partition),
              Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
    } else {
      attempt = request(address, command, owner, Math.max(1, left));
    }
    return attempt.transform(ar -> {
      if (ar.succeeded()) {
        return Future.succeededFuture(ar.result());
      }
      long remaining = (deadline - System.nanoTime()) / 1_000_000;
      if (ar.cause() instanceof OwnerLeft && command instanceof Rotation.Delete) {
        return Future.failedFuture(new ServiceException(503, "the member serving this rotation left the cluster "
            + "while deleting it; the delete may or may not have happened — check and retry"));
      }
      boolean ownerLeft = ar.cause() instanceof OwnerLeft;
      boolean waiting = ar.cause() instanceof NotRoutable; // nothing was sent
      if ((Messages.moved(ar.cause()) || ownerLeft || waiting) && remaining > backoffMs) {
        return vertx.timer(backoffMs).compose(v -> sendUntil(command, deadline, Math.min(MAX_BACKOFF_MS, backoffMs * 2),
            afterDeparture || ownerLeft || waiting));
      }
      return Future.failedFuture(failure(ar.cause()));
    });
  }

  /** One attempt: the owner's answer, or {@link OwnerLeft} as soon as {@code owner} leaves the cluster. */
  private Future<Object> request(String address, Rotation.Command command, Object owner, long timeout) {
    if (owner == null) { // no owner to watch (see sendUntil): nothing sent
      return Future.failedFuture(new NotRoutable());
    }
    DeliveryOptions attempt = new DeliveryOptions(Messages.OPTIONS).setSendTimeout(timeout);
    Future<Message<Object>> reply = vertx.eventBus().request(address, command, attempt);
    long key = attempts.incrementAndGet();
    Promise<Object> answer = Promise.promise();
    inFlight.put(key, new InFlight(owner, vertx.getOrCreateContext(), answer));
    reply.onComplete(ar -> {
      inFlight.remove(key);
      if (ar.succeeded()) {
        answer.tryComplete(ar.result().body());
      } else {
        answer.tryFail(ar.cause());
      }
    });
    if (watch.departed(owner)) { // it left between the look-up and the registration
      answer.tryFail(new OwnerLeft());
    }
    return answer.future();
  }

  /** Members left: every command in flight to one of them is sent again (see {@link #sendUntil}). */
  private void ownersLeft(Set<Object> members) {
    int failedOver = 0;
    for (Map.Entry<Long, InFlight> e : inFlight.entrySet()) {
      InFlight f = e.getValue();
      if (members.contains(f.owner()) && inFlight.remove(e.getKey(), f)) {
        failedOver++;
        f.context().runOnContext(v -> f.answer().tryFail(new OwnerLeft()));
      }
    }
    if (failedOver > 0) {
      LOG.info("cluster: member {} left; {} requests waiting for it are sent to the new owners", members, failedOver);
    }
  }

  /** This member's cluster connection ended: whatever waits for an owner is answered 503 now. */
  private void disconnected() {
    int failed = 0;
    for (Map.Entry<Long, InFlight> e : inFlight.entrySet()) {
      InFlight f = e.getValue();
      if (inFlight.remove(e.getKey(), f)) {
        failed++;
        f.context().runOnContext(v -> f.answer().tryFail(lostCluster()));
      }
    }
    LOG.warn("cluster: this member's cluster connection ended; {} requests waiting for owners answered 503", failed);
  }

  private static ServiceException lostCluster() {
    return new ServiceException(503, "this member has lost its cluster connection; retry through another member");
  }

  /** The event bus may still route the command to a member that left: it was not sent. */
  private static final class NotRoutable extends RuntimeException {
    NotRoutable() {
      super("the event bus may still route to a member that left", null, false, false);
    }
  }

  /** The member a command was sent to left the cluster before answering. */
  private static final class OwnerLeft extends RuntimeException {
    OwnerLeft() {
      super("the rotation's owner left the cluster", null, false, false);
    }
  }

  private static Throwable failure(Throwable t) {
    if (t instanceof OwnerLeft || t instanceof NotRoutable) {
      return new ServiceException(503, "the rotation's owner left the cluster and no new owner answered in time; retry");
    }
    return Messages.answer(t);
  }
}
