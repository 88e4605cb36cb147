package io.leadrouter.store.pg;

import io.leadrouter.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.ConnectException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up of the Postgres store: migrates the schema with Flyway (blocking JDBC, so on a worker thread),
 * then builds the reactive pool. URIs are {@code postgresql://user:password@host:port/database}; the
 * {@code jdbc:postgresql://...} form is accepted too.
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

  private static final Pattern URI_PASSWORD = Pattern.compile("(://[^:/@?]*:)[^@/?]*@");
  private static final Pattern PARAM_PASSWORD = Pattern.compile("(?i)(password=)[^&]*");

  private Postgres() {}

  /**
   * How the store reaches Postgres.
   *
   * @param poolSize connections of the pool
   * @param timeout the longest a store call may take, all included (waiting for a pooled connection,
   *     connecting, TLS, the statements); also how long a connection may go without a byte either way while
   *     in use, and how long the server keeps a transaction the client has gone silent in
   */
  public record Settings(int poolSize, Duration timeout) {
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
      options = connectOptions(pgUri);
    } catch (RuntimeException e) {
      return Future.failedFuture(new StoreException(StoreException.Kind.INVALID,
          "postgres uri: not a postgresql:// uri (" + maskPassword(pgUri) + ")"));
    }
    LOG.info("store: postgres at {} (pool of {}, store calls bounded to {} ms)", maskPassword(pgUri),
        settings.poolSize(), settings.timeout().toMillis());
    return vertx.executeBlocking(() -> migrate(options))
        .map(result -> new PgStore(pool(vertx, options, settings), Clock.systemUTC(), settings.timeout()));
  }

  /** Applies pending migrations; blocking (JDBC), never call it on an event loop. */
  public static MigrateResult migrate(String pgUri) {
    return migrate(connectOptions(pgUri));
  }

  private static MigrateResult migrate(PgConnectOptions options) {
    try {
      MigrateResult result = Flyway.configure(Postgres.class.getClassLoader())
          .dataSource(jdbcUrl(options), options.getUser(), options.getPassword())
          .locations("classpath:db/migration")
          .load()
          .migrate();
      LOG.info("schema: version {} ({} migrations applied now)", result.targetSchemaVersion == null
          ? result.initialSchemaVersion : result.targetSchemaVersion, result.migrationsExecuted);
      return result;
    } catch (RuntimeException e) {
      if (unreachable(e)) {
        throw new StoreException(StoreException.Kind.UNAVAILABLE, "postgres unavailable at "
            + options.getHost() + ":" + options.getPort() + ": " + rootMessage(e), e);
      }
      throw e;
    }
  }

  /** A reactive pool; it connects lazily, so building it never fails on an unreachable database. */
  public static Pool pool(Vertx vertx, String pgUri, int poolSize, Duration timeout) {
    return pool(vertx, connectOptions(pgUri), new Settings(poolSize, timeout));
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
   *   <li>{@link PgStore} bounds every call as a whole.
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
    PgConnectOptions options = connectOptions(pgUri);
    Properties props = new Properties();
    if (options.getUser() != null) {
      props.setProperty("user", options.getUser());
    }
    if (options.getPassword() != null) {
      props.setProperty("password", options.getPassword());
    }
    props.setProperty("connectTimeout", String.valueOf(DEFAULT_TIMEOUT.toSeconds()));
    return DriverManager.getConnection(jdbcUrl(options), props);
  }

  /** The uri with its password replaced by {@code ***}, for logs and error messages. */
  public static String maskPassword(String uri) {
    if (uri == null) {
      return null;
    }
    String masked = URI_PASSWORD.matcher(uri).replaceFirst("$1***@");
    return PARAM_PASSWORD.matcher(masked).replaceAll("$1***");
  }

  static PgConnectOptions connectOptions(String uri) {
    String u = uri.startsWith("jdbc:") ? uri.substring("jdbc:".length()) : uri;
    return PgConnectOptions.fromUri(u).setCachePreparedStatements(true);
  }

  private static String jdbcUrl(PgConnectOptions options) {
    // the JDBC names of the modes: verify-ca, verify-full, ...
    String sslMode = options.getSslMode() == null ? SslMode.DISABLE.name()
        : options.getSslMode().name().toLowerCase(Locale.ROOT).replace('_', '-');
    return "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase()
        + "?sslmode=" + sslMode.toLowerCase(Locale.ROOT);
  }

  private static boolean unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P")
              || sql.getSQLState().startsWith("53"))) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
