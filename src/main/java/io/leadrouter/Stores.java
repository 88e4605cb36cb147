package io.leadrouter;

import io.leadrouter.config.Config;
import io.leadrouter.leads.InMemoryLeadStore;
import io.leadrouter.leads.LeadStore;
import io.leadrouter.leads.pg.PgLeadStore;
import io.leadrouter.store.Storage;
import io.leadrouter.store.StoreException;
import io.leadrouter.store.memory.InMemoryStore;
import io.leadrouter.store.pg.EmbeddedBinaries;
import io.leadrouter.store.pg.EmbeddedPostgresServer;
import io.leadrouter.store.pg.PgStore;
import io.leadrouter.store.pg.Postgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opened store of a node: the store's ports ({@link Storage}) and the leads' port on the same database,
 * wired here so that neither package knows the other's adapters. {@link LeadRouter} hands each consumer
 * only the ports it uses. Opens the configured store: in memory, an external Postgres, or an embedded one
 * under the data directory.
 */
public record Stores(Storage storage, LeadStore leads) {

  private static final Logger LOG = LoggerFactory.getLogger(Stores.class);
  /**
   * The embedded Postgres once one is started. Typed {@code AutoCloseable} and created only in
   * {@link #startEmbedded}, so that a build without zonky (the prod profile) never loads
   * {@link EmbeddedPostgresServer} and fails with {@link EmbeddedBinaries#missing()}'s sentence instead.
   */
  private static final AtomicReference<AutoCloseable> EMBEDDED = new AtomicReference<>();

  /** The in-memory store with in-memory leads on the same clock. */
  public static Stores of(InMemoryStore store) {
    return new Stores(store, new InMemoryLeadStore(store.clock(), store.directory()));
  }

  /** The Postgres store with the leads on the same pool. */
  public static Stores of(PgStore store) {
    return new Stores(store, new PgLeadStore(store.client()));
  }

  static Future<Stores> open(Vertx vertx, Config config) {
    if (config.store().equals("memory")) {
      LOG.warn("store: in memory; rotations and picks are lost when the process stops");
      return Future.succeededFuture(of(new InMemoryStore()));
    }
    String unavailable = unavailable(config); // Main checks it first; here so that no caller meets zonky's absence
    if (unavailable != null) {
      return Future.failedFuture(new StoreException(StoreException.Kind.INVALID, unavailable));
    }
    Future<String> uri = config.pgUri() != null ? Future.succeededFuture(config.pgUri())
        // starting Postgres blocks for seconds: never on an event loop
        : vertx.executeBlocking(() -> startEmbedded(config.dataDir()), false);
    return uri.compose(u -> Postgres.open(vertx, u, settings(config))).map(Stores::of);
  }

  /**
   * Store calls are bounded to four fifths of request-timeout-ms: a request waiting on a store that does not
   * answer gets the store's 503 (which says why) before its own time is up.
   */
  static Postgres.Settings settings(Config config) {
    return new Postgres.Settings(config.pgPoolSize(), Duration.ofMillis(config.requestTimeoutMs() * 4 / 5),
        config.pgCaFile());
  }

  /**
   * Null when the configured store can open in this build; otherwise the line that says what to set. Postgres
   * without a pg-uri means the embedded one, which a prod-profile build does not carry.
   */
  static String unavailable(Config config) {
    if (config.store().equals("memory") || config.pgUri() != null) {
      return null;
    }
    String missing = EmbeddedBinaries.missing();
    return missing == null ? null
        : "pg-uri: required: " + missing + "; set --pg-uri or LEADROUTER_PG_URI to an external Postgres";
  }

  private static String startEmbedded(Path dataDir) throws IOException {
    EmbeddedPostgresServer server = new EmbeddedPostgresServer();
    EMBEDDED.set(server);
    return server.start(dataDir, 0);
  }

  /** Stops the embedded Postgres, if one was started; called last, after the write-behind drained. */
  static void closeEmbedded() {
    AutoCloseable server = EMBEDDED.get();
    if (server == null) {
      return;
    }
    try {
      server.close(); // idempotent
    } catch (Exception e) {
      LOG.warn("store: stopping embedded postgres failed: {}", e.toString());
    }
  }
}
