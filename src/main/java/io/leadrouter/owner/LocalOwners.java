package io.leadrouter.owner;

import io.leadrouter.rotation.Rotation.Command;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Single node: which owner verticle serves each partition, so that {@link RotationService} hands a command
 * to its owner's event loop directly instead of through the event bus (no message, no reply registration,
 * no per-request timer). The owner then runs it exactly as a message from its partition's consumer: the
 * same handler, on the same event loop, one command at a time. An owner enters its partitions here once its
 * consumers are registered and leaves before it unregisters them, so a command that finds no owner here
 * goes by the event bus and meets what it always met (a consumer, or none).
 */
public final class LocalOwners {

  /** The owner of a partition: its verticle's context and the handler of its consumers. */
  record Owner(Context context, Handler<Message<Command>> handler) {}

  private final AtomicReferenceArray<Owner> owners;

  public LocalOwners(int partitions) {
    this.owners = new AtomicReferenceArray<>(partitions);
  }

  void serve(int partition, Context context, Handler<Message<Command>> handler) {
    owners.set(partition, new Owner(context, handler));
  }

  void leave(int partition) {
    owners.set(partition, null);
  }

  /** The owner serving {@code partition} in this process, or null (none yet, or stopping). */
  Owner of(int partition) {
    return partition >= 0 && partition < owners.length() ? owners.get(partition) : null;
  }
}
