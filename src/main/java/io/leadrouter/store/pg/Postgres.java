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

  /** How long to wait for a TCP connection, and for a free pooled connection, before failing UNAVAILABLE. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private static final Pattern URI_PASSWORD = Pattern.compile("(://[^:/@?]*:)[^@/?]*@");
  private static final Pattern PARAM_PASSWORD = Pattern.compile("(?i)(password=)[^&]*");

  private Postgres() {}

  /** Migrates the database at {@code pgUri}, then opens a store with a pool of {@code poolSize} connections. */
  public static Future<PgStore> open(Vertx vertx, String pgUri, int poolSize) {
    PgConnectOptions options;
    try {
      options = connectOptions(pgUri);
    } catch (RuntimeException e) {
      return Future.failedFuture(new StoreException(StoreException.Kind.INVALID,
          "postgres uri: not a postgresql:// uri (" + maskPassword(pgUri) + ")"));
    }
    LOG.info("store: postgres at {} (pool of {})", maskPassword(pgUri), poolSize);
    return vertx.executeBlocking(() -> migrate(options))
        .map(result -> new PgStore(pool(vertx, options, poolSize, DEFAULT_CONNECT_TIMEOUT)));
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
  public static Pool pool(Vertx vertx, String pgUri, int poolSize, Duration connectTimeout) {
    return pool(vertx, connectOptions(pgUri), poolSize, connectTimeout);
  }

  private static Pool pool(Vertx vertx, PgConnectOptions options, int poolSize, Duration connectTimeout) {
    int millis = (int) connectTimeout.toMillis();
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(poolSize)
            .setConnectionTimeout(millis).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
        .with(new NetClientOptions().setConnectTimeout(millis))
        .connectingTo(options)
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
    props.setProperty("connectTimeout", String.valueOf(DEFAULT_CONNECT_TIMEOUT.toSeconds()));
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
