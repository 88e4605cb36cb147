package io.leadrouter.owner;

import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.RotationState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Client side of the owners: sends each command to the owner of its rotation's partition (local delivery,
 * no serialization, when the owner is in this process) and turns failure replies into {@link ServiceException}.
 *
 * <p>In a cluster a partition is briefly unserved while it moves between members: the old owner has
 * unregistered (no handler) or refuses with {@link Messages#MOVED}. Neither ran the command, so it is sent
 * again, with a short back-off, until the request's time is up.
 */
public final class RotationService {

  private static final long MAX_BACKOFF_MS = 100;

  private final Vertx vertx;
  private final Partitioner partitioner;
  private final DeliveryOptions options;
  private final long timeoutMs;
  private final boolean resend;

  public RotationService(Vertx vertx, Partitioner partitioner, long timeoutMs) {
    this(vertx, partitioner, timeoutMs, false);
  }

  public RotationService(Vertx vertx, Partitioner partitioner, long timeoutMs, boolean resendWhileMoving) {
    this.vertx = vertx;
    this.partitioner = partitioner;
    this.timeoutMs = timeoutMs;
    this.resend = resendWhileMoving;
    this.options = new DeliveryOptions(Messages.OPTIONS).setSendTimeout(timeoutMs);
  }

  public Future<RotationState> get(String accountId, long rotationId) {
    return send(new Rotation.Get(accountId, rotationId));
  }

  public Future<PickReply> pick(String accountId, long rotationId, String requestId) {
    return send(new Rotation.Pick(accountId, rotationId, requestId));
  }

  public Future<RotationState> update(Rotation.Update update) {
    return send(update);
  }

  public Future<RotationState> changeStatus(Rotation.ChangeStatus change) {
    return send(change);
  }

  /** Completes with the rotation as it was before deletion. */
  public Future<RotationState> delete(Rotation.Delete delete) {
    return send(delete);
  }

  @SuppressWarnings("unchecked")
  private <T> Future<T> send(Rotation.Command command) {
    if (resend) {
      return (Future<T>) sendUntil(command, System.nanoTime() + timeoutMs * 1_000_000, 5);
    }
    String address = Partitioner.address(partitioner.partitionOf(command.rotationId()));
    return vertx.eventBus().request(address, command, options)
        .transform(ar -> ar.succeeded() ? Future.succeededFuture((T) ar.result().body())
            : Future.failedFuture(translate(ar.cause())));
  }

  private Future<Object> sendUntil(Rotation.Command command, long deadline, long backoffMs) {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    // the partition is looked up again on every attempt: ownership is what changes meanwhile
    String address = Partitioner.address(partitioner.partitionOf(command.rotationId()));
    DeliveryOptions attempt = new DeliveryOptions(Messages.OPTIONS).setSendTimeout(Math.max(1, left));
    return vertx.eventBus().request(address, command, attempt).transform(ar -> {
      if (ar.succeeded()) {
        return Future.succeededFuture(ar.result().body());
      }
      long remaining = (deadline - System.nanoTime()) / 1_000_000;
      if (moving(ar.cause()) && remaining > backoffMs) {
        return vertx.timer(backoffMs).compose(v -> sendUntil(command, deadline, Math.min(MAX_BACKOFF_MS, backoffMs * 2)));
      }
      return Future.failedFuture(translate(ar.cause()));
    });
  }

  private static boolean moving(Throwable t) {
    return t instanceof ReplyException re && (re.failureType() == ReplyFailure.NO_HANDLERS
        || (re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() == Messages.MOVED));
  }

  private static Throwable translate(Throwable t) {
    if (t instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() != Messages.MOVED) {
        return new ServiceException(re.failureCode(), re.getMessage());
      }
      return new ServiceException(503, re.failureType() == ReplyFailure.TIMEOUT
          ? "the rotation's owner did not answer in time; retry"
          : "no owner is serving this rotation's partition right now; retry");
    }
    return t;
  }
}
