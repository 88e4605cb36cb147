package io.leadrouter.store.pg;

import io.leadrouter.store.StoreException;
import io.leadrouter.util.Secrets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up of the Postgres store: migrates the schema with Flyway (blocking JDBC, so on a worker thread),
 * then builds the reactive pool and makes one round trip on it. URIs are
 * {@code postgresql://user:password@host:port/database}; the {@code jdbc:postgresql://...} form is accepted
 * too.
 *
 * <p>TLS follows the uri's {@code sslmode}, the same for Flyway's JDBC connection and the reactive pool:
 * {@code disable} (the default), {@code allow}/{@code prefer}/{@code require} (encrypted when the server
 * offers it / always, the server's certificate not checked), {@code verify-ca} (its certificate must chain to
 * the CA file of {@link Settings#caFile()}) and {@code verify-full} (also naming the uri's host).
 */
public final class Postgres {

  private static final Logger LOG = LoggerFactory.getLogger(Postgres.class);

  /**
   * The default bound of every store call (see {@link Settings#timeout()}): below the default
   * request-timeout-ms (5000), so that a request whose store call hangs answers 503 before it times out.
   */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(4);
  /** Requests waiting for a pooled connection beyond this many fail UNAVAILABLE at once. */
  static final int MAX_WAITERS = 1_000;

  private Postgres() {}

  /**
   * How the store reaches Postgres.
   *
   * @param poolSize connections of the pool
   * @param timeout the longest a store call may take, all included (waiting for a pooled connection,
   *     connecting, TLS, the statements); also how long a connection may go without a byte either way while
   *     in use, and how long the server keeps a transaction the client has gone silent in
   * @param caFile PEM file of the CA certificate(s) the server's must chain to, needed by sslmode verify-ca
   *     and verify-full; null otherwise
   */
  public record Settings(int poolSize, Duration timeout, Path caFile) {
    public Settings(int poolSize, Duration timeout) {
      this(poolSize, timeout, null);
    }

    public static Settings of(int poolSize) {
      return new Settings(poolSize, DEFAULT_TIMEOUT);
    }
  }

  /** Migrates the database at {@code pgUri}, then opens a store with a pool of {@code poolSize} connections. */
  public static Future<PgStore> open(Vertx vertx, String pgUri, int poolSize) {
    return open(vertx, pgUri, Settings.of(poolSize));
  }

  /** Migrates the database at {@code pgUri}, then opens a store on it. */
  public static Future<PgStore> open(Vertx vertx, String pgUri, Settings settings) {
    PgConnectOptions options;
    try {
      options = PgUri.connectOptions(pgUri, settings.caFile());
    } catch (StoreException e) {
      return Future.failedFuture(e);
    } catch (RuntimeException e) {
      return Future.failedFuture(new StoreException(StoreException.Kind.INVALID,
          "postgres uri: not a postgresql:// uri (" + Secrets.maskPassword(pgUri) + ")"));
    }
    LOG.info("store: postgres at {} (pool of {}, sslmode {}, store calls bounded to {} ms)",
        Secrets.maskPassword(pgUri), settings.poolSize(), PgUri.sslMode(options), settings.timeout().toMillis());
    return vertx.executeBlocking(() -> migrate(options))
        .compose(result -> {
          PgStore store = new PgStore(pool(vertx, options, settings), Clock.systemUTC(), settings.timeout());
          // the pool connects lazily: a TLS setting it cannot use would otherwise fail every later call
          return store.ping()
              .recover(e -> store.close().transform(v -> Future.failedFuture(PgErrors.startFailure(options, e))))
              .map(store);
        });
  }

  /** Applies pending migrations; blocking (JDBC), never call it on an event loop. */
  public static MigrateResult migrate(String pgUri) {
    return migrate(PgUri.connectOptions(pgUri));
  }

  private static MigrateResult migrate(PgConnectOptions options) {
    try {
      MigrateResult result = Flyway.configure(Postgres.class.getClassLoader())
          .dataSource(PgUri.jdbcUrl(options), options.getUser(), options.getPassword())
          .locations("classpath:db/migration")
          .load()
          .migrate();
      LOG.info("schema: version {} ({} migrations applied now)", result.targetSchemaVersion == null
          ? result.initialSchemaVersion : result.targetSchemaVersion, result.migrationsExecuted);
      return result;
    } catch (RuntimeException e) {
      if (PgErrors.tlsFailure(e) || PgErrors.unreachable(e)) {
        throw PgErrors.startFailure(options, e);
      }
      throw e;
    }
  }

  /** A reactive pool; it connects lazily, so building it never fails on an unreachable database. */
  public static Pool pool(Vertx vertx, String pgUri, int poolSize, Duration timeout) {
    return pool(vertx, pgUri, new Settings(poolSize, timeout));
  }

  /** A reactive pool as the store's (TLS included); it connects lazily. */
  public static Pool pool(Vertx vertx, String pgUri, Settings settings) {
    return pool(vertx, PgUri.connectOptions(pgUri, settings.caFile()), settings);
  }

  /**
   * Every wait is bounded by {@code settings.timeout()}, so that a database behind a network that silently
   * drops packets (no reset, no close) cannot hold a request or a pooled connection for ever:
   * <ul>
   *   <li>the TCP connect, the TLS handshake and the wait for a free pooled connection;
   *   <li>the socket's idle timeout closes a connection on which nothing was read or written for that
   *       long, e.g. one whose query or start-up handshake goes unanswered: its pending calls fail and the
   *       pool drops it (a per-call timeout alone would leave it hanging in the pool). Connections merely
   *       unused are closed by the pool first (after half that time), so the idle timeout never hits a
   *       connection just handed out;
   *   <li>the server ends a transaction in which the client stays silent for that long
   *       ({@code idle_in_transaction_session_timeout}), so that the row locks of a flush whose client gave
   *       up cannot block the retry;
   *   <li>{@link PgClient#call} bounds every call as a whole.
   * </ul>
   */
  private static Pool pool(Vertx vertx, PgConnectOptions options, Settings settings) {
    int millis = (int) Math.max(1, settings.timeout().toMillis());
    PgConnectOptions bounded = new PgConnectOptions(options)
        .addProperty("idle_in_transaction_session_timeout", String.valueOf(millis));
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(settings.poolSize())
            .setConnectionTimeout(millis).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
            .setMaxWaitQueueSize(MAX_WAITERS)
            .setIdleTimeout(Math.max(1, millis / 2)).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
            .setPoolCleanerPeriod(Math.max(1, millis / 4)))
        .with(new NetClientOptions().setConnectTimeout(millis)
            .setIdleTimeout(millis).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
            .setSslHandshakeTimeout(millis).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS))
        .connectingTo(bounded)
        .using(vertx)
        .build();
  }

  /** A plain JDBC connection to the database at {@code pgUri}; blocking, for tools and tests. */
  public static Connection connectJdbc(String pgUri) throws SQLException {
    PgConnectOptions options = PgUri.connectOptions(pgUri);
    Properties props = new Properties();
    if (options.getUser() != null) {
      props.setProperty("user", options.getUser());
    }
    if (options.getPassword() != null) {
      props.setProperty("password", options.getPassword());
    }
    props.setProperty("connectTimeout", String.valueOf(DEFAULT_TIMEOUT.toSeconds()));
    return DriverManager.getConnection(PgUri.jdbcUrl(options), props);
  }
}
