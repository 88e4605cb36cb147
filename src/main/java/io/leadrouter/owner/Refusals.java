package io.leadrouter.owner;

import io.leadrouter.error.ErrorKind;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owner addresses take commands from members only (see {@link CommandSigner}): anything else that reaches them
 * (a command without this cluster's signature, any other message) is refused with 403 and changes nothing.
 * Logged as a WARN at most every {@link #LOG_EVERY_MS} ms, with how many were refused meanwhile, so a flood
 * cannot flood the log; one owner verticle's (it runs on that verticle's event loop).
 */
final class Refusals {

  private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);
  private static final long LOG_EVERY_MS = 10_000;

  private long lastLogged = Long.MIN_VALUE / 2;
  private long since;

  void refuse(Message<?> message, Object body) {
    String why = body instanceof RotationCodec.Unsigned u ? u.reason()
        : "not a command (" + (body == null ? "null" : body.getClass().getSimpleName()) + ")";
    since++;
    long now = System.currentTimeMillis();
    if (now - lastLogged >= LOG_EVERY_MS) {
      LOG.warn("owner address {}: refused {} message(s) not from a Lead Router member, latest: {}; only members "
          + "holding the cluster-secret may send commands here (clients use leadrouter.api.*)", message.address(),
          since, why);
      lastLogged = now;
      since = 0;
    }
    if (message.replyAddress() != null) {
      message.fail(ErrorKind.FORBIDDEN.status(), "owner addresses take commands from Lead Router members only ("
          + why + "); use the leadrouter.api.* addresses");
    }
  }
}
