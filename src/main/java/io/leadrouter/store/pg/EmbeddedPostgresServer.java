package io.leadrouter.store.pg;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real Postgres binaries (io.zonky, from Maven Central) run as a child server with its data under
 * {@code dataDir/pg}, kept across restarts. Listens on localhost only, trust authentication (no password).
 *
 * <p>Works as root: zonky runs initdb/pg_ctl inside {@code unshare -U} then (Postgres refuses to run as
 * root). A run killed with SIGKILL leaves its postmaster running or a stale {@code postmaster.pid} behind;
 * {@link #start} stops such an orphan (only a postmaster whose working directory is this data directory,
 * and only when no live process holds the directory's lock) or removes the stale file.
 *
 * <p>The owner stops the server with {@link #close()} (zonky's own shutdown hook is removed so that it cannot
 * stop Postgres before the application's last flush); a JVM that exits without calling it leaves Postgres
 * running, and the next {@link #start} on the directory stops that orphan.
 *
 * <p>All methods block (process start and stop): call them from start-up code or a worker, never from an
 * event loop.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  /** zonky's lock file: held by the JVM that runs the server on this directory. */
  private static final String LOCK_FILE = "epg-lock";
  private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);

  private EmbeddedPostgres postgres;
  private Path directory;

  /**
   * Starts Postgres with its data in {@code dataDir/pg} (initialised on first use) on {@code port} (0 picks
   * a free one) and returns its uri, {@code postgresql://postgres@localhost:PORT/postgres}.
   */
  public synchronized String start(Path dataDir, int port) throws IOException {
    if (postgres != null) {
      throw new IllegalStateException("embedded postgres already started on port " + postgres.getPort());
    }
    Path pgDir = dataDir.toAbsolutePath().normalize().resolve("pg");
    Files.createDirectories(pgDir);
    recoverFromKilledRun(pgDir);
    postgres = EmbeddedPostgres.builder()
        .setDataDirectory(pgDir)
        .setCleanDataDirectory(false)
        .setPort(port)
        // zonky turns this off for speed; an acknowledged configuration write must survive a crash
        .setServerConfig("synchronous_commit", "on")
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
    directory = pgDir;
    removeZonkyShutdownHook(postgres);
    LOG.info("store: embedded postgres (zonky, PostgreSQL 15) at {}, data in {}", uri(), pgDir);
    return uri();
  }

  /** {@code postgresql://postgres@localhost:PORT/postgres}; there is no password. */
  public synchronized String uri() {
    return "postgresql://postgres@localhost:" + port() + "/postgres";
  }

  public synchronized String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + port() + "/postgres?user=postgres";
  }

  public synchronized int port() {
    if (postgres == null) {
      throw new IllegalStateException("embedded postgres not started");
    }
    return postgres.getPort();
  }

  /** The Postgres data directory ({@code dataDir/pg}), or null before start. */
  public synchronized Path dataDirectory() {
    return directory;
  }

  public synchronized boolean running() {
    return postgres != null;
  }

  /** Stops the server (fast shutdown); idempotent. */
  @Override
  public synchronized void close() {
    if (postgres == null) {
      return;
    }
    try {
      postgres.close();
      // zonky's own shutdown hook may be stopping it at the same time (then close() returns at once):
      // the server is down when it has removed its pid file
      awaitGone(directory.resolve("postmaster.pid"), Duration.ofSeconds(15));
      LOG.info("store: embedded postgres stopped");
    } catch (IOException e) {
      LOG.warn("store: stopping embedded postgres failed: {}", e.toString());
    } finally {
      postgres = null;
    }
  }

  private static void awaitGone(Path file, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (Files.exists(file) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * zonky stops the server from a shutdown hook of its own. JVM shutdown hooks run concurrently, so that
   * hook could stop Postgres while the application's hook is still flushing the write-behind buffer: the
   * owner of this object stops it with {@link #close()} instead, after the last flush. Needs
   * {@code --add-opens java.base/java.lang=ALL-UNNAMED} (in the jar manifest and the test JVM flags);
   * without it zonky's hook stays and a warning says so.
   */
  private static void removeZonkyShutdownHook(EmbeddedPostgres postgres) {
    try {
      Field idField = EmbeddedPostgres.class.getDeclaredField("instanceId");
      idField.setAccessible(true);
      String name = "postgres-" + idField.get(postgres) + "-closer";
      Class<?> hooksClass = Class.forName("java.lang.ApplicationShutdownHooks");
      Field hooksField = hooksClass.getDeclaredField("hooks");
      hooksField.setAccessible(true);
      List<Thread> hooks;
      synchronized (hooksClass) {
        hooks = List.copyOf(((Map<?, ?>) hooksField.get(null)).keySet().stream()
            .map(Thread.class::cast).toList());
      }
      for (Thread hook : hooks) {
        if (hook.getName().equals(name)) {
          Runtime.getRuntime().removeShutdownHook(hook);
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("store: zonky's shutdown hook stays ({}); on shutdown it may stop postgres before the last flush",
          e.toString());
    }
  }

  // ---- left-overs of a killed run ---------------------------------------------------------------------

  private static void recoverFromKilledRun(Path pgDir) throws IOException {
    if (!Files.exists(pgDir.resolve("postgresql.conf"))) {
      // never initialised, or initdb was killed half-way: initdb needs an empty directory
      removeHalfInitialisedCluster(pgDir);
      return;
    }
    try (FileChannel channel = FileChannel.open(pgDir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new IllegalStateException("postgres data directory " + pgDir + " is in use by another running process");
      }
      // No live process holds the directory: a postmaster still running on it was started by a run that is gone.
      try {
        stopOrphan(pgDir);
      } finally {
        lock.release();
      }
    }
  }

  private static void stopOrphan(Path pgDir) throws IOException {
    Path pidFile = pgDir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    long pid = lines.isEmpty() ? -1 : parsePid(lines.get(0));
    Optional<ProcessHandle> process = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
    if (process.isPresent() && process.get().isAlive() && isPostmasterOf(pid, pgDir)) {
      LOG.warn("store: stopping postgres (pid {}) left running on {} by a run that is gone", pid, pgDir);
      signal("INT", pid); // fast shutdown: disconnects the dead run's sessions, writes a checkpoint
      try {
        process.get().onExit().get(ORPHAN_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("postgres (pid " + pid + ") on " + pgDir + " did not stop within "
            + ORPHAN_STOP_WAIT.toSeconds() + "s; stop it, then start again", e);
      }
    } else {
      // pid gone or reused by another program: Postgres would refuse to start on a live, foreign pid
      LOG.warn("store: removing stale {} (pid {} is not a postgres on this directory)", pidFile, pid);
      Files.deleteIfExists(pidFile);
    }
  }

  private static long parsePid(String line) {
    try {
      return Long.parseLong(line.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A postmaster changes its working directory to its data directory; that identifies it. */
  private static boolean isPostmasterOf(long pid, Path pgDir) {
    try {
      Path cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"));
      String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
      return cmdline.contains("postgres") && cwd.equals(pgDir.toRealPath());
    } catch (IOException | UnsupportedOperationException e) {
      return false; // not Linux, or the process is gone
    }
  }

  private static void signal(String signal, long pid) throws IOException {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
      kill.getInputStream().transferTo(OutputStream.nullOutputStream());
      kill.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping postgres " + pid, e);
    }
  }

  /** initdb killed half-way leaves files but no postgresql.conf; zonky would then fail on a non-empty directory. */
  private static void removeHalfInitialisedCluster(Path pgDir) throws IOException {
    List<Path> leftovers;
    try (Stream<Path> files = Files.list(pgDir)) {
      leftovers = files.toList();
    }
    if (leftovers.isEmpty()) {
      return;
    }
    LOG.warn("store: {} holds an unfinished initdb (no postgresql.conf); initialising it again", pgDir);
    for (Path p : leftovers) {
      deleteRecursively(p);
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
