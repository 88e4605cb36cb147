package io.leadrouter.bench;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The baselines' backing stores: is Postgres / Redis there (and if not, can it be started with the commands
 * this machine has), a fresh schema / fresh keys per run with the rotation in them, and clean-up. Whatever
 * this class starts it stops again, by the cluster's own stop command or the process id it was given.
 */
final class Backends {

  private Backends() {}

  // ---- Postgres ---------------------------------------------------------------------------------------

  static final class Postgres {
    final String uri;
    final String schema;
    private final String jdbcUrl;
    private final Properties props = new Properties();
    private String startedCluster;

    Postgres(String uri, String schema) {
      this.uri = uri;
      this.schema = schema;
      URI u = URI.create(uri.replaceFirst("^postgres(ql)?://", "http://"));
      String user = "postgres";
      String password = null;
      if (u.getUserInfo() != null) {
        String[] ui = u.getUserInfo().split(":", 2);
        user = ui[0];
        password = ui.length > 1 ? ui[1] : null;
      }
      props.setProperty("user", user);
      if (password != null) {
        props.setProperty("password", password);
      }
      props.setProperty("connectTimeout", "3");
      props.setProperty("loginTimeout", "5");
      String db = u.getPath() == null || u.getPath().length() <= 1 ? "postgres" : u.getPath().substring(1);
      jdbcUrl = "jdbc:postgresql://" + (u.getHost() == null ? "127.0.0.1" : u.getHost()) + ":"
          + (u.getPort() < 0 ? 5432 : u.getPort()) + "/" + db;
    }

    Connection connect() throws Exception {
      return DriverManager.getConnection(jdbcUrl, props);
    }

    /** Null when reachable, else why not (after trying to start a local cluster when {@code tryStart}). */
    String availability(boolean tryStart) {
      String problem = probe();
      if (problem == null || !tryStart) {
        return problem;
      }
      File etc = new File("/etc/postgresql");
      String[] versions = etc.list();
      if (!new File("/usr/bin/pg_ctlcluster").canExecute() || versions == null || versions.length == 0) {
        return problem + " (and no pg_ctlcluster / /etc/postgresql to start one)";
      }
      String cluster = versions[0];
      System.out.println("postgres: not reachable (" + problem + "); starting cluster " + cluster + "/main");
      int rc = Shell.run(List.of("pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "start"));
      if (rc == 0) {
        startedCluster = cluster;
      }
      for (int i = 0; i < 20; i++) {
        if ((problem = probe()) == null) {
          return null;
        }
        Shell.sleep(500);
      }
      return problem + " (start attempt exited " + rc + ")";
    }

    private String probe() {
      try (Connection c = connect(); Statement s = c.createStatement()) {
        s.execute("SELECT 1");
        return null;
      } catch (Exception e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
      }
    }

    /** Fresh schema with the rotation row of each Postgres baseline and an empty assignment log. */
    void setUp(List<PickCheck.Member> members) throws Exception {
      List<String> slots = new ArrayList<>();
      io.leadrouter.rotation.Schedule schedule = io.leadrouter.rotation.Schedule.of(
          members.stream().mapToInt(PickCheck.Member::weight).toArray());
      for (int i = 0; i < schedule.length(); i++) {
        slots.add(members.get(schedule.memberAt(i)).email());
      }
      try (Connection c = connect(); Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA " + schema);
        s.execute("CREATE TABLE " + schema + ".rotation (id bigint PRIMARY KEY, position int NOT NULL,"
            + " sequence bigint NOT NULL, slots text[] NOT NULL)");
        s.execute("CREATE TABLE " + schema + ".assignment (rotation_id bigint NOT NULL, sequence bigint NOT NULL,"
            + " email text NOT NULL, position int NOT NULL, picked_at timestamptz NOT NULL DEFAULT now(),"
            + " PRIMARY KEY (rotation_id, sequence))");
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + schema + ".rotation VALUES (?, 0, 0, ?)")) {
          for (long id : new long[] {BaselineServer.ROW_LOCK_ID, BaselineServer.RETURNING_ID}) {
            p.setLong(1, id);
            p.setArray(2, c.createArrayOf("text", slots.toArray()));
            p.executeUpdate();
          }
        }
      }
    }

    /** Rows in the assignment log of one rotation: total, distinct sequences, max sequence. */
    long[] logRows(long rotationId) {
      try (Connection c = connect(); PreparedStatement p = c.prepareStatement("SELECT count(*), count(DISTINCT sequence),"
          + " coalesce(max(sequence), 0) FROM " + schema + ".assignment WHERE rotation_id = ?")) {
        p.setLong(1, rotationId);
        try (ResultSet r = p.executeQuery()) {
          r.next();
          return new long[] {r.getLong(1), r.getLong(2), r.getLong(3)};
        }
      } catch (Exception e) {
        return null;
      }
    }

    void cleanUp() {
      try (Connection c = connect(); Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (Exception e) {
        System.err.println("postgres: could not drop schema " + schema + ": " + e.getMessage());
      }
      if (startedCluster != null) {
        System.out.println("postgres: stopping cluster " + startedCluster + "/main (started by this harness)");
        Shell.run(List.of("pg_ctlcluster", "--skip-systemctl-redirect", startedCluster, "main", "stop"));
        startedCluster = null;
      }
    }
  }

  // ---- Redis ------------------------------------------------------------------------------------------

  static final class RedisStore {
    final String uri;
    final String prefix;
    private final Vertx vertx;
    private Long startedPid;

    RedisStore(Vertx vertx, String uri, String prefix) {
      this.vertx = vertx;
      this.uri = uri;
      this.prefix = prefix;
    }

    private Response send(Request r) throws Exception {
      Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(uri));
      try {
        return client.send(r).await(5, TimeUnit.SECONDS);
      } finally {
        client.close();
      }
    }

    String availability(boolean tryStart) {
      String problem = probe();
      if (problem == null || !tryStart) {
        return problem;
      }
      if (!new File("/usr/bin/redis-server").canExecute() && !Shell.onPath("redis-server")) {
        return problem + " (and no redis-server to start one)";
      }
      URI u = URI.create(uri);
      int port = u.getPort() < 0 ? 6379 : u.getPort();
      Path pidFile = Path.of(System.getProperty("java.io.tmpdir"), "lr-bench-redis-" + port + ".pid");
      System.out.println("redis: not reachable (" + problem + "); starting redis-server on 127.0.0.1:" + port);
      int rc = Shell.run(List.of("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port",
          String.valueOf(port), "--save", "", "--appendonly", "no", "--pidfile", pidFile.toString()));
      for (int i = 0; i < 20; i++) {
        if ((problem = probe()) == null) {
          try {
            startedPid = Long.parseLong(Files.readString(pidFile).trim());
          } catch (Exception e) {
            System.err.println("redis: started, but no pid in " + pidFile + "; it will be left running");
          }
          return null;
        }
        Shell.sleep(250);
      }
      return problem + " (start attempt exited " + rc + ")";
    }

    private String probe() {
      try {
        send(Request.cmd(Command.PING));
        return null;
      } catch (Exception e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
      }
    }

    void setUp(List<PickCheck.Member> members) throws Exception {
      io.leadrouter.rotation.Schedule schedule = io.leadrouter.rotation.Schedule.of(
          members.stream().mapToInt(PickCheck.Member::weight).toArray());
      send(Request.cmd(Command.DEL).arg(prefix + "seq").arg(prefix + "slots"));
      Request push = Request.cmd(Command.RPUSH).arg(prefix + "slots");
      for (int i = 0; i < schedule.length(); i++) {
        push.arg(members.get(schedule.memberAt(i)).email());
      }
      send(push);
    }

    void cleanUp() {
      try {
        send(Request.cmd(Command.DEL).arg(prefix + "seq").arg(prefix + "slots"));
      } catch (Exception e) {
        System.err.println("redis: could not delete keys " + prefix + "*: " + e.getMessage());
      }
      if (startedPid != null) {
        System.out.println("redis: stopping redis-server pid " + startedPid + " (started by this harness)");
        ProcessHandle.of(startedPid).ifPresent(ProcessHandle::destroy);
        startedPid = null;
      }
    }
  }

  // ---- processes --------------------------------------------------------------------------------------

  static final class Shell {
    private Shell() {}

    static int run(List<String> command) {
      try {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroy();
          return -1;
        }
        return p.exitValue();
      } catch (Exception e) {
        return -1;
      }
    }

    static boolean onPath(String name) {
      String path = System.getenv("PATH");
      if (path == null) {
        return false;
      }
      for (String dir : path.split(File.pathSeparator)) {
        if (new File(dir, name).canExecute()) {
          return true;
        }
      }
      return false;
    }

    static void sleep(long ms) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
