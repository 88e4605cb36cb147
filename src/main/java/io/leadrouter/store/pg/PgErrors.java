package io.leadrouter.store.pg;

import io.leadrouter.store.StoreException;
import io.leadrouter.store.StoreException.Kind;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.net.ConnectException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * The one translation of Postgres failures into {@link StoreException}s, for every Postgres adapter (the
 * store's ports and the leads'): at run time on the reactive client ({@link #translate}, {@link #timedOut},
 * {@link #uniqueViolation}, {@link #dataError}) and at start-up on JDBC ({@link #unreachable},
 * {@link #tlsFailure}, {@link #startFailure}). Anything else passes through unchanged: other server errors are bugs.
 */
public final class PgErrors {

  private static final String UNIQUE_VIOLATION = "23505";
  private static final Pattern TLS_MESSAGE = Pattern.compile("(?i)hostname .* could not be verified|\\bSSL\\b");

  private PgErrors() {}

  /**
   * Maps a client failure to the store's error kinds: anything that means "the database cannot be used
   * right now" becomes UNAVAILABLE (the HTTP layer answers 503); everything else passes through.
   */
  public static Throwable translate(Throwable e) {
    if (e instanceof StoreException) {
      return e;
    }
    if (e instanceof PgException pg) {
      String state = pg.getSqlState() == null ? "" : pg.getSqlState();
      // 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown,
      // cannot connect now, cancelled), 28 authentication, 3D000 no such database
      boolean unavailable = state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
          || state.startsWith("28") || state.equals("3D000");
      return unavailable ? unavailable(e) : e;
    }
    // refused/reset/closed connections, DNS failures, pool closed or too busy, waiting for a connection;
    // the client reports its own argument-binding errors as VertxException too: those are bugs
    if (e instanceof VertxException && !isArgumentError(e) || e instanceof IOException
        || e instanceof TimeoutException) {
      return unavailable(e);
    }
    return e;
  }

  /** A call that got no answer within {@code timeout}: a database behind a network that drops packets. */
  static StoreException timedOut(Duration timeout, Throwable e) {
    return new StoreException(Kind.UNAVAILABLE, "postgres unavailable: no answer within " + timeout.toMillis()
        + " ms", e);
  }

  /** {@code conflict} when {@code e} is a unique violation (e.g. a taken email), else {@code e}. */
  static Throwable uniqueViolation(Throwable e, String conflict) {
    return e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
        ? new StoreException(Kind.CONFLICT, conflict) : e;
  }

  /**
   * A data exception (SQLSTATE class 22: a value the column cannot take) comes from the input and would
   * fail every retry alike: INVALID (400) naming {@code what}, not a store failure worth retrying.
   */
  public static Throwable dataError(Throwable e, String what) {
    if (e instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")) {
      return new StoreException(Kind.INVALID, "the store refused a value of " + what + ": " + pg.getErrorMessage()
          + " (" + pg.getSqlState() + ")", e);
    }
    return e;
  }

  /** Whether a JDBC connection (start-up, migrations) failed because the database cannot be reached now. */
  static boolean unreachable(Throwable e) {
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

  /**
   * Whether a connection failed over TLS: the handshake (untrusted certificate), the JDBC driver's own
   * host-name check ("The hostname ... could not be verified") or a server without TLS ("does not support SSL").
   */
  static boolean tlsFailure(Throwable e) {
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
  static StoreException startFailure(PgConnectOptions options, Throwable e) {
    if (e instanceof StoreException s && !tlsFailure(e)) {
      return s;
    }
    String where = options.getHost() + ":" + options.getPort();
    if (tlsFailure(e)) {
      return new StoreException(Kind.INVALID, "postgres at " + where + ": TLS with sslmode=" + PgUri.sslMode(options)
          + " failed (check pg-ca-file and the server's certificate): " + rootMessage(e), e);
    }
    return new StoreException(Kind.UNAVAILABLE, "postgres unavailable at " + where + ": "
        + rootMessage(e), e);
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  private static boolean isArgumentError(Throwable e) {
    String message = String.valueOf(e.getMessage());
    return message.contains("number of parameters") || message.contains("coerced");
  }

  private static StoreException unavailable(Throwable e) {
    return new StoreException(Kind.UNAVAILABLE, "postgres unavailable: " + e.getMessage(), e);
  }
}
