package io.leadrouter.store.pg;

import io.leadrouter.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
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

  private static final Pattern URI_PASSWORD = Pattern.compile("(://[^:/@?]*:)[^@/?]*@");
  private static final Pattern PARAM_PASSWORD = Pattern.compile("(?i)(password=)[^&]*");
  private static final Pattern TLS_MESSAGE = Pattern.compile("(?i)hostname .* could not be verified|\\bSSL\\b");

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
      options = connectOptions(pgUri, settings.caFile());
    } catch (StoreException e) {
      return Future.failedFuture(e);
    } catch (RuntimeException e) {
      return Future.failedFuture(new StoreException(StoreException.Kind.INVALID,
          "postgres uri: not a postgresql:// uri (" + maskPassword(pgUri) + ")"));
    }
    LOG.info("store: postgres at {} (pool of {}, sslmode {}, store calls bounded to {} ms)", maskPassword(pgUri),
        settings.poolSize(), sslMode(options), settings.timeout().toMillis());
    return vertx.executeBlocking(() -> migrate(options))
        .compose(result -> {
          PgStore store = new PgStore(pool(vertx, options, settings), Clock.systemUTC(), settings.timeout());
          // the pool connects lazily: a TLS setting it cannot use would otherwise fail every later call
          return store.ping()
              .recover(e -> store.close().transform(v -> Future.failedFuture(startFailure(options, e))))
              .map(store);
        });
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
      if (tlsFailure(e)) {
        throw startFailure(options, e);
      }
      if (unreachable(e)) {
        throw new StoreException(StoreException.Kind.UNAVAILABLE, "postgres unavailable at "
            + options.getHost() + ":" + options.getPort() + ": " + rootMessage(e), e);
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
    return pool(vertx, connectOptions(pgUri, settings.caFile()), settings);
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
    return connectOptions(uri, null);
  }

  /** The uri's options with TLS set up for its sslmode (the client leaves that to the caller). */
  static PgConnectOptions connectOptions(String uri, Path caFile) {
    String u = uri.startsWith("jdbc:") ? uri.substring("jdbc:".length()) : uri;
    PgConnectOptions options = PgConnectOptions.fromUri(u).setCachePreparedStatements(true);
    SslMode mode = options.getSslMode() == null ? SslMode.DISABLE : options.getSslMode();
    switch (mode) {
      case DISABLE -> { }
      case ALLOW, PREFER, REQUIRE -> options.setSslOptions(new ClientSSLOptions().setTrustAll(true)
          .setHostnameVerificationAlgorithm(""));
      case VERIFY_CA, VERIFY_FULL -> {
        if (caFile == null) {
          throw new StoreException(StoreException.Kind.INVALID, "pg-ca-file (LEADROUTER_PG_CA_FILE): needed with "
              + "sslmode=" + sslMode(options) + " in pg-uri: the CA certificate (PEM) the server's must chain to");
        }
        if (!Files.isReadable(caFile)) {
          throw new StoreException(StoreException.Kind.INVALID, "pg-ca-file (LEADROUTER_PG_CA_FILE): cannot read "
              + caFile);
        }
        options.setSslOptions(new ClientSSLOptions()
            .setTrustOptions(new PemTrustOptions().addCertPath(caFile.toAbsolutePath().toString()))
            .setHostnameVerificationAlgorithm(mode == SslMode.VERIFY_FULL ? "HTTPS" : ""));
      }
      default -> throw new StoreException(StoreException.Kind.INVALID, "pg-uri: unknown sslmode " + mode);
    }
    return options;
  }

  /** The sslmode as written in uris: disable, require, verify-ca, verify-full, ... */
  private static String sslMode(PgConnectOptions options) {
    return (options.getSslMode() == null ? SslMode.DISABLE : options.getSslMode()).name().toLowerCase(Locale.ROOT)
        .replace('_', '-');
  }

  /** Flyway's connection: the same server, database and TLS checks as the reactive pool. */
  private static String jdbcUrl(PgConnectOptions options) {
    StringBuilder url = new StringBuilder("jdbc:postgresql://").append(options.getHost()).append(':')
        .append(options.getPort()).append('/').append(options.getDatabase()).append("?sslmode=")
        .append(sslMode(options));
    ClientSSLOptions ssl = options.getSslOptions();
    if (ssl != null && ssl.getTrustOptions() instanceof PemTrustOptions pem && !pem.getCertPaths().isEmpty()) {
      url.append("&sslrootcert=").append(URLEncoder.encode(pem.getCertPaths().get(0), StandardCharsets.UTF_8));
    }
    return url.toString();
  }

  /**
   * Whether a connection failed over TLS: the handshake (untrusted certificate), the JDBC driver's own
   * host-name check ("The hostname ... could not be verified") or a server without TLS ("does not support SSL").
   */
  private static boolean tlsFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException || t instanceof CertificateException || t instanceof SQLException
          && t.getMessage() != null && TLS_MESSAGE.matcher(t.getMessage()).find()) {
        return true;
      }
    }
    return false;
  }

  /**
   * A start-up failure in one line: TLS problems (an untrusted or misnamed certificate, a server without
   * TLS) are configuration errors, anything else is the store being unavailable.
   */
  private static StoreException startFailure(PgConnectOptions options, Throwable e) {
    if (e instanceof StoreException s && !tlsFailure(e)) {
      return s;
    }
    String where = options.getHost() + ":" + options.getPort();
    if (tlsFailure(e)) {
      return new StoreException(StoreException.Kind.INVALID, "postgres at " + where + ": TLS with sslmode="
          + sslMode(options) + " failed (check pg-ca-file and the server's certificate): " + rootMessage(e), e);
    }
    return new StoreException(StoreException.Kind.UNAVAILABLE, "postgres unavailable at " + where + ": "
        + rootMessage(e), e);
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
