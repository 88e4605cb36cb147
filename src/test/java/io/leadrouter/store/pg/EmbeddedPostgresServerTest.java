package io.leadrouter.store.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server keeps its data across restarts and starts again after a run that was killed
 * (SIGKILL of a separate JVM leaves its postmaster running) or that left a stale pid file. Blocking.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedPostgresServerTest {

  @TempDir
  Path dataDir;

  @Test
  void dataSurvivesARestartAndAStalePidFile() throws Exception {
    EmbeddedPostgresServer server = new EmbeddedPostgresServer();
    try {
      String uri = server.start(dataDir, 0);
      execute(uri, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('first run')");
    } finally {
      server.close();
    }
    // a pid file naming a live process that is no postgres of this directory (this JVM)
    Files.writeString(dataDir.resolve("pg/postmaster.pid"), ProcessHandle.current().pid() + "\n" + dataDir + "\n");

    EmbeddedPostgresServer again = new EmbeddedPostgresServer();
    try {
      String uri = again.start(dataDir, 0);
      assertThat(query(uri, "SELECT v FROM kept")).isEqualTo("first run");
    } finally {
      again.close();
    }
    assertThat(dataDir.resolve("pg/postmaster.pid")).doesNotExist();
  }

  @Test
  void startsAgainAfterTheRunningJvmWasKilled() throws Exception {
    Process child = new ProcessBuilder(javaBin(), "-cp", testClassPath(), Child.class.getName(), dataDir.toString())
        .redirectErrorStream(true).start();
    try {
      String uri = awaitReady(child);
      execute(uri, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before the kill')");
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook runs, the postmaster is orphaned
      child.waitFor(30, TimeUnit.SECONDS);
    }
    long orphan = Long.parseLong(Files.readAllLines(dataDir.resolve("pg/postmaster.pid")).get(0).trim());
    assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).contains(true);

    EmbeddedPostgresServer server = new EmbeddedPostgresServer();
    try {
      String uri = server.start(dataDir, 0);
      assertThat(query(uri, "SELECT v FROM kept")).isEqualTo("before the kill");
      assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    } finally {
      server.close();
      // should the start above have failed, do not leave the killed run's postmaster behind
      if (ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)) {
        new ProcessBuilder("kill", "-INT", Long.toString(orphan)).start().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aDirectoryInUseByThisJvmIsRefused() throws Exception {
    EmbeddedPostgresServer server = new EmbeddedPostgresServer();
    try {
      server.start(dataDir, 0);
      EmbeddedPostgresServer second = new EmbeddedPostgresServer();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> second.start(dataDir, 0))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("in use");
    } finally {
      server.close();
    }
  }

  /** The run that gets killed: starts the server on the directory, says where, then waits. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      String uri = new EmbeddedPostgresServer().start(Path.of(args[0]), 0);
      System.out.println("READY " + uri);
      System.out.flush();
      Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }
  }

  private static String awaitReady(Process child) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("READY ")) {
        // keep draining so that the child never blocks on a full pipe
        Thread drain = new Thread(() -> {
          try {
            out.transferTo(java.io.Writer.nullWriter());
          } catch (IOException ignored) {
            // the child is gone
          }
        });
        drain.setDaemon(true);
        drain.start();
        return line.substring("READY ".length());
      }
      seen.append(line).append('\n');
    }
    throw new IllegalStateException("child exited before it was ready:\n" + seen);
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String testClassPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null ? surefire : System.getProperty("java.class.path");
  }

  private static void execute(String uri, String sql) throws SQLException {
    try (Connection c = Postgres.connectJdbc(uri); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String query(String uri, String sql) throws SQLException {
    try (Connection c = Postgres.connectJdbc(uri); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
