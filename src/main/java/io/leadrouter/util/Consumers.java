package io.leadrouter.util;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event-bus consumers that the cluster must know of. A clustered registration is a write to Hazelcast, and
 * members fail writes whose backup did not confirm in time ({@code fail.on.indeterminate.state}, which picks
 * rely on): under load, during the migrations of a member joining, a consumer's registration can fail so. Its
 * handler would then be reachable from this member only. Such a registration is dropped and made again, a
 * few times, before the start that needs it fails.
 */
public final class Consumers {

  private static final Logger LOG = LoggerFactory.getLogger(Consumers.class);
  static final int ATTEMPTS = 20;
  static final long RETRY_MS = 250;

  private Consumers() {}

  /** The consumer {@code register} makes, once the cluster has confirmed its registration. */
  public static <T> Future<MessageConsumer<T>> registered(Vertx vertx, String what,
      Supplier<MessageConsumer<T>> register) {
    return attempt(vertx, what, register, 1);
  }

  private static <T> Future<MessageConsumer<T>> attempt(Vertx vertx, String what,
      Supplier<MessageConsumer<T>> register, int n) {
    MessageConsumer<T> consumer = register.get();
    return consumer.completion().map(v -> consumer).recover(e -> {
      if (n >= ATTEMPTS) {
        LOG.error("event bus: registering {} failed {} times, the last time with {}", what, n, e.toString());
        return Future.failedFuture(e);
      }
      LOG.warn("event bus: registering {} failed ({}); registering it again", what, e.toString());
      Promise<MessageConsumer<T>> again = Promise.promise();
      consumer.unregister().onComplete(u -> vertx.setTimer(RETRY_MS,
          t -> attempt(vertx, what, register, n + 1).onComplete(again)));
      return again.future();
    });
  }
}
