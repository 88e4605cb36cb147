package io.leadrouter.owner;

import io.leadrouter.rotation.Rotation;
import io.leadrouter.store.StoreException;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conventions of the owner's messages: they travel with {@link RotationCodec}; a failure reply carries the
 * HTTP status it maps to as its failure code, so every edge (HTTP, event-bus API) answers alike.
 */
public final class Messages {

  private static final Logger LOG = LoggerFactory.getLogger(Messages.class);

  public static final DeliveryOptions OPTIONS = new DeliveryOptions().setCodecName(RotationCodec.NAME);

  /**
   * Failure code of a command this node did not run because its rotation's partition is (now) owned by
   * another member: nothing happened, so the sender resends it (never shown to clients).
   */
  public static final int MOVED = 421;

  private Messages() {}

  static void fail(Message<?> message, Object cause) {
    if (cause instanceof Rotation.Rejection r) {
      message.fail(switch (r.reason()) {
        case NOT_FOUND -> 404;
        case CONFLICT -> 409;
        case INVALID -> 400;
      }, r.message());
    } else if (cause instanceof StoreException e) {
      message.fail(status(e.kind()), e.getMessage());
    } else if (cause instanceof ReplicaException e) {
      message.fail(e.kind() == ReplicaException.Kind.FENCED ? MOVED : 503, e.getMessage());
    } else {
      Throwable t = (Throwable) cause;
      LOG.error("owner: unexpected failure", t);
      message.fail(500, "internal error");
    }
  }

  public static int status(StoreException.Kind kind) {
    return switch (kind) {
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case INVALID -> 400;
      case UNAVAILABLE -> 503;
    };
  }
}
