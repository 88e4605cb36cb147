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
 */
public final class RotationService {

  private final Vertx vertx;
  private final Partitioner partitioner;
  private final DeliveryOptions options;

  public RotationService(Vertx vertx, Partitioner partitioner, long timeoutMs) {
    this.vertx = vertx;
    this.partitioner = partitioner;
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
    String address = Partitioner.address(partitioner.partitionOf(command.rotationId()));
    return vertx.eventBus().request(address, command, options)
        .transform(ar -> ar.succeeded() ? Future.succeededFuture((T) ar.result().body())
            : Future.failedFuture(translate(ar.cause())));
  }

  private static Throwable translate(Throwable t) {
    if (t instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return new ServiceException(re.failureCode(), re.getMessage());
      }
      return new ServiceException(503, re.failureType() == ReplyFailure.TIMEOUT
          ? "the rotation's owner did not answer in time; retry"
          : "no owner is serving this rotation's partition right now; retry");
    }
    return t;
  }
}
