package io.leadrouter.testing;

import io.leadrouter.store.pg.EmbeddedPostgresServer;
import io.leadrouter.store.pg.Postgres;
import io.leadrouter.util.Secrets;
import io.vertx.pgclient.PgConnectOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Postgres for tests, one fresh database per call of {@link #freshDatabaseUri()} so that test runs
 * never see each other's rows. The server is, in this order:
 * <ol>
 *   <li>{@code LEADROUTER_TEST_PG_URI} (env) or {@code -Dleadrouter.test.pg.uri}: an admin uri of a server;
 *   <li>a server answering on 127.0.0.1:5432 as user postgres without password, database postgres;
 *   <li>else an embedded Postgres (zonky) in a temp directory, started once per JVM.
 * </ol>
 * {@code LEADROUTER_TEST_PG=embedded} (or {@code -Dleadrouter.test.pg=embedded}) skips the first two.
 *
 * <p>Databases are dropped by {@link #dropDatabase} (call it in {@code @AfterAll}) or, at the latest, by
 * {@link #stop()}, which also stops the embedded server; a JVM shutdown hook calls {@link #stop()}.
 * Everything here blocks (JDBC, process start): call it from test set-up, never from an event loop.
 */
public final class TestPostgres {

  private static final Logger LOG = LoggerFactory.getLogger(TestPostgres.class);
  private static final String LOCAL_URI = "postgresql://postgres@127.0.0.1:5432/postgres";

  private static final Set<String> databases = ConcurrentHashMap.newKeySet();
  private static String serverUri;
  private static EmbeddedPostgresServer embedded;
  private static Path embeddedDir;
  private static boolean hookRegistered;

  private TestPostgres() {}

  /** Creates an empty database {@code lr_test_<random>} and returns its uri. */
  public static String freshDatabaseUri() {
    String server = serverUri();
    String name = "lr_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    execute(server, "CREATE DATABASE " + name);
    databases.add(name);
    return withDatabase(server, name);
  }

  /** Drops a database made by {@link #freshDatabaseUri()}, closing its remaining connections. */
  public static void dropDatabase(String databaseUri) {
    String name = PgConnectOptions.fromUri(databaseUri).getDatabase();
    if (databases.remove(name)) {
      drop(serverUri(), name);
    }
  }

  /** The admin uri (maintenance database) of the server in use; picks and, if needed, starts it. */
  public static synchronized String serverUri() {
    if (serverUri == null) {
      registerShutdownHook();
      serverUri = chooseServer();
    }
    return serverUri;
  }

  /** Whether the tests run on an embedded server started by this helper. */
  public static synchronized boolean isEmbedded() {
    return embedded != null;
  }

  /** Drops every database still left and stops the embedded server if this helper started one. */
  public static synchronized void stop() {
    if (serverUri != null) {
      for (String name : List.copyOf(databases)) {
        databases.remove(name);
        try {
          drop(serverUri, name);
        } catch (RuntimeException e) {
          LOG.warn("test postgres: could not drop {}: {}", name, e.toString());
        }
      }
    }
    if (embedded != null) {
      embedded.close();
      embedded = null;
      deleteQuietly(embeddedDir);
      embeddedDir = null;
    }
    serverUri = null;
  }

  private static String chooseServer() {
    String configured = setting("LEADROUTER_TEST_PG_URI", "leadrouter.test.pg.uri");
    if (configured != null && !configured.isBlank()) {
      LOG.info("test postgres: {} (LEADROUTER_TEST_PG_URI)", Secrets.maskPassword(configured));
      return configured;
    }
    if ("embedded".equalsIgnoreCase(setting("LEADROUTER_TEST_PG", "leadrouter.test.pg"))) {
      return startEmbedded("LEADROUTER_TEST_PG=embedded");
    }
    if (answers("127.0.0.1", 5432)) {
      try {
        execute(LOCAL_URI, "SELECT 1");
        LOG.info("test postgres: local server at {}", LOCAL_URI);
        return LOCAL_URI;
      } catch (RuntimeException e) {
        return startEmbedded("127.0.0.1:5432 answers but refuses user postgres without password: " + e.getMessage());
      }
    }
    return startEmbedded("nothing answers on 127.0.0.1:5432");
  }

  private static String startEmbedded(String why) {
    try {
      embeddedDir = Files.createTempDirectory("lr-test-pg");
      embedded = new EmbeddedPostgresServer();
      String uri = embedded.start(embeddedDir, 0);
      LOG.info("test postgres: embedded at {} ({})", uri, why);
      return uri;
    } catch (IOException e) {
      throw new IllegalStateException("test postgres: could not start embedded postgres", e);
    }
  }

  private static boolean answers(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void drop(String server, String name) {
    try {
      execute(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (RuntimeException e) {
      // before PostgreSQL 13 there is no FORCE
      execute(server, "DROP DATABASE IF EXISTS " + name);
    }
  }

  private static void execute(String uri, String sql) {
    try (Connection c = Postgres.connectJdbc(uri); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("test postgres: " + sql + ": " + e.getMessage(), e);
    }
  }

  /** The server uri with another database; everything else (user, password, parameters) kept. */
  private static String withDatabase(String server, String database) {
    String plain = server.startsWith("jdbc:") ? server.substring("jdbc:".length()) : server;
    URI u = URI.create(plain);
    return u.getScheme() + "://" + u.getRawAuthority() + "/" + database
        + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
  }

  private static String setting(String env, String property) {
    String value = System.getProperty(property);
    return value != null ? value : System.getenv(env);
  }

  private static synchronized void registerShutdownHook() {
    if (!hookRegistered) {
      hookRegistered = true;
      Runtime.getRuntime().addShutdownHook(new Thread(TestPostgres::stop, "test-postgres-stop"));
    }
  }

  private static void deleteQuietly(Path root) {
    if (root == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("test postgres: could not delete {}: {}", root, e.toString());
    }
  }
}
