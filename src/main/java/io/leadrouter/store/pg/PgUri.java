package io.leadrouter.store.pg;

import io.leadrouter.store.StoreException;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A {@code postgresql://} (or {@code jdbc:postgresql://}) uri as connect options for the reactive pool and as
 * a JDBC url for Flyway, with the same TLS checks for both, following the uri's {@code sslmode}.
 */
final class PgUri {

  private PgUri() {}

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
  static String sslMode(PgConnectOptions options) {
    return (options.getSslMode() == null ? SslMode.DISABLE : options.getSslMode()).name().toLowerCase(Locale.ROOT)
        .replace('_', '-');
  }

  /** Flyway's connection: the same server, database and TLS checks as the reactive pool. */
  static String jdbcUrl(PgConnectOptions options) {
    StringBuilder url = new StringBuilder("jdbc:postgresql://").append(options.getHost()).append(':')
        .append(options.getPort()).append('/').append(options.getDatabase()).append("?sslmode=")
        .append(sslMode(options));
    ClientSSLOptions ssl = options.getSslOptions();
    if (ssl != null && ssl.getTrustOptions() instanceof PemTrustOptions pem && !pem.getCertPaths().isEmpty()) {
      url.append("&sslrootcert=").append(URLEncoder.encode(pem.getCertPaths().get(0), StandardCharsets.UTF_8));
    }
    return url.toString();
  }
}
