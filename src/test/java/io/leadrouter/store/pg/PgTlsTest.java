package io.leadrouter.store.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.rotation.Status;
import io.leadrouter.store.NewRotation;
import io.leadrouter.store.StoreException;
import io.leadrouter.store.StoreException.Kind;
import io.leadrouter.testing.ServiceProcess;
import io.leadrouter.testing.TestApp;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Postgres over TLS: an embedded Postgres of its own with {@code ssl=on}, a self-signed certificate made by
 * the JDK's keytool (for the name localhost only), and a pg_hba.conf that accepts TLS connections only, so
 * that anything that works here (Flyway's migration, the reactive pool) went over TLS. The test stops that
 * Postgres itself.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PgTlsTest {

  @TempDir
  static Path dir;

  private static EmbeddedPostgres postgres;
  private static Path serverCa;
  private static Path otherCa;

  @BeforeAll
  static void startPostgresWithTls() throws Exception {
    Path serverKey = dir.resolve("server.key");
    serverCa = dir.resolve("server.crt");
    selfSigned("server", serverCa, serverKey);
    otherCa = dir.resolve("other.crt");
    selfSigned("other", otherCa, dir.resolve("other.key"));
    Path data = dir.resolve("pg");
    postgres = EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(true)
        .setServerConfig("ssl", "on")
        .setServerConfig("ssl_cert_file", serverCa.toString())
        .setServerConfig("ssl_key_file", serverKey.toString())
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
    // from now on only TLS connections over TCP get in
    Files.writeString(data.resolve("pg_hba.conf"), "local all all trust\nhostssl all all all trust\n");
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("SELECT pg_reload_conf()");
    }
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void requireEncryptsWithoutCheckingTheCertificate(Vertx vertx) throws Exception {
    String uri = freshDatabase("localhost", "require");
    assertStoreWorksOverTls(vertx, uri, null);
  }

  @Test
  void verifyCaAndVerifyFullAcceptTheServerWithItsCaFile(Vertx vertx) throws Exception {
    assertStoreWorksOverTls(vertx, freshDatabase("localhost", "verify-ca"), serverCa);
    assertStoreWorksOverTls(vertx, freshDatabase("localhost", "verify-full"), serverCa);
    // the certificate names localhost, not 127.0.0.1: verify-ca does not look at the name
    assertStoreWorksOverTls(vertx, freshDatabase("127.0.0.1", "verify-ca"), serverCa);
  }

  @Test
  void verifyFullRefusesAWrongCaOrHostAtStartUpInOneLine(Vertx vertx) throws Exception {
    String uri = freshDatabase("localhost", "verify-full");
    assertInvalid(vertx, uri, otherCa, "TLS with sslmode=verify-full failed");
    assertInvalid(vertx, freshDatabase("127.0.0.1", "verify-full"), serverCa, "TLS with sslmode=verify-full failed");
    assertInvalid(vertx, uri, null, "pg-ca-file (LEADROUTER_PG_CA_FILE): needed with sslmode=verify-full");
    assertInvalid(vertx, uri, dir.resolve("missing.crt"), "pg-ca-file (LEADROUTER_PG_CA_FILE): cannot read");
  }

  @Test
  void theServiceStopsWithOneLineOnAnUntrustedCertificate() throws Exception {
    String uri = freshDatabase("localhost", "verify-full");
    try (ServiceProcess service = ServiceProcess.start(Map.of("LEADROUTER_DATA_DIR", dir.resolve("svc").toString(),
        "LEADROUTER_PG_CA_FILE", otherCa.toString()), "--pg-uri", uri, "--http-port", "0", "--jwt-secret",
        TestApp.SECRET)) {
      assertThat(service.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      List<String> failed = service.output().stream().filter(l -> l.contains("start-up failed")).toList();
      assertThat(failed).hasSize(1);
      assertThat(failed.get(0)).contains("TLS with sslmode=verify-full failed", "pg-ca-file");
      assertThat(String.join("\n", service.output())).doesNotContain("\tat ");
    }
  }

  /** Migrates over JDBC, then creates and loads a rotation and reads pg_stat_ssl over the reactive pool. */
  private static void assertStoreWorksOverTls(Vertx vertx, String uri, Path ca) throws Exception {
    Postgres.Settings settings = new Postgres.Settings(2, Duration.ofSeconds(10), ca);
    PgStore store = Postgres.open(vertx, uri, settings).await(60, TimeUnit.SECONDS);
    Pool pool = Postgres.pool(vertx, uri, settings);
    try {
      long id = store.rotations().createRotation(new NewRotation("acct", "over tls", Status.ACTIVE, null, List.of(), "admin"))
          .await(10, TimeUnit.SECONDS).id();
      assertThat(store.rotations().loadRotation(id).await(10, TimeUnit.SECONDS).state().name()).isEqualTo("over tls");
      Row row = pool.query("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()").execute()
          .await(10, TimeUnit.SECONDS).iterator().next();
      assertThat(row.getBoolean("ssl")).isTrue();
      assertThat(row.getString("version")).startsWith("TLS");
    } finally {
      pool.close().await(10, TimeUnit.SECONDS);
      store.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static void assertInvalid(Vertx vertx, String uri, Path ca, String message) {
    Throwable failure = Postgres.open(vertx, uri, new Postgres.Settings(2, Duration.ofSeconds(10), ca))
        .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
    assertThat(failure).as("opening %s with CA %s", uri, ca).isInstanceOf(StoreException.class);
    assertThat(((StoreException) failure).kind()).isEqualTo(Kind.INVALID);
    assertThat(failure.getMessage()).contains(message).doesNotContain("\n");
  }

  /** A database of its own on the TLS server; the admin connection goes over TLS too (require). */
  private static String freshDatabase(String host, String sslMode) throws SQLException {
    String name = "lr_tls_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = Postgres.connectJdbc("postgresql://postgres@localhost:" + postgres.getPort()
        + "/postgres?sslmode=require"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return "postgresql://postgres@" + host + ":" + postgres.getPort() + "/" + name + "?sslmode=" + sslMode;
  }

  /** A self-signed certificate for localhost by keytool, written as PEM with its unencrypted PKCS#8 key. */
  private static void selfSigned(String alias, Path cert, Path key) throws Exception {
    Path store = dir.resolve(alias + ".p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", alias, "-keyalg", "RSA",
        "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost",
        "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("keytool failed: " + out);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    Certificate certificate = ks.getCertificate(alias);
    PrivateKey privateKey = (PrivateKey) ks.getKey(alias, "changeit".toCharArray());
    Files.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()));
    Files.writeString(key, pem("PRIVATE KEY", privateKey.getEncoded()));
    // Postgres refuses a key file others may read
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
