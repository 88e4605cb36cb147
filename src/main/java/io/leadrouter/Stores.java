package io.leadrouter;

import io.leadrouter.config.Config;
import io.leadrouter.store.InMemoryStore;
import io.leadrouter.store.Store;
import io.leadrouter.store.pg.EmbeddedPostgresServer;
import io.leadrouter.store.pg.Postgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the configured store: in memory, an external Postgres, or an embedded one under the data directory. */
final class Stores {

  private static final Logger LOG = LoggerFactory.getLogger(Stores.class);
  private static final EmbeddedPostgresServer EMBEDDED = new EmbeddedPostgresServer();

  private Stores() {}

  static Future<Store> open(Vertx vertx, Config config) {
    if (config.store().equals("memory")) {
      LOG.warn("store: in memory; rotations and picks are lost when the process stops");
      return Future.succeededFuture(new InMemoryStore());
    }
    Future<String> uri = config.pgUri() != null ? Future.succeededFuture(config.pgUri())
        // starting Postgres blocks for seconds: never on an event loop
        : vertx.executeBlocking(() -> EMBEDDED.start(config.dataDir(), 0), false);
    return uri.compose(u -> Postgres.open(vertx, u, settings(config))).map(s -> (Store) s);
  }

  /**
   * Store calls are bounded to four fifths of request-timeout-ms: a request waiting on a store that does not
   * answer gets the store's 503 (which says why) before its own time is up.
   */
  static Postgres.Settings settings(Config config) {
    return new Postgres.Settings(config.pgPoolSize(), Duration.ofMillis(config.requestTimeoutMs() * 4 / 5),
        config.pgCaFile());
  }

  /** Stops the embedded Postgres, if one was started; called last, after the write-behind drained. */
  static void closeEmbedded() {
    EMBEDDED.close();
  }
}
