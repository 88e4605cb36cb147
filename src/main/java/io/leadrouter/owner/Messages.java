package io.leadrouter.owner;

import io.leadrouter.error.ApiException;
import io.leadrouter.error.Failure;
import io.leadrouter.rotation.Rotation;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
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

  /**
   * Fails {@code message} with the answer a client gets ({@link Failure#of}: status as failure code), except a
   * fenced replica write, which is {@link #MOVED} so the sender resends it.
   */
  static void fail(Message<?> message, Object cause) {
    Throwable t = cause instanceof Rotation.Rejection r ? new ApiException(r.reason().error(), r.message())
        : (Throwable) cause;
    if (t instanceof ReplicaException e && e.kind() == ReplicaException.Kind.FENCED) {
      message.fail(MOVED, e.getMessage());
      return;
    }
    if (t instanceof ApiException e && e.details() != null) {
      message.fail(e.status(), NoEligible.envelope(e)); // code and details travel in the message
      return;
    }
    Failure f = Failure.of(t);
    if (f.unexpected()) {
      LOG.error("owner: unexpected failure", t);
    }
    message.fail(f.status(), f.message());
  }

  /** Whether a command failed because its rotation's partition moved away: nothing ran, send it again. */
  static boolean moved(Throwable t) {
    return t instanceof ReplyException re && (re.failureType() == ReplyFailure.NO_HANDLERS
        || (re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() == MOVED));
  }

  /** The sender's side of {@link #fail}: an owner's failure reply as the {@link ServiceException} it stands for. */
  static Throwable answer(Throwable t) {
    if (t instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() != MOVED) {
        String message = re.getMessage();
        return message != null && message.startsWith(NoEligible.ENVELOPE) ? NoEligible.unwrap(re.failureCode(), message)
            : new ServiceException(re.failureCode(), message);
      }
      return new ServiceException(503, re.failureType() == ReplyFailure.TIMEOUT
          ? "the rotation's owner did not answer in time; retry"
          : "no owner is serving this rotation's partition right now; retry");
    }
    return t;
  }
}
