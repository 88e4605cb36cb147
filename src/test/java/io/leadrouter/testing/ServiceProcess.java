package io.leadrouter.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service's main class in a separate JVM (the test class path), as a user would run it. Stopped by
 * its own handle: {@link #terminate()} sends SIGTERM (graceful), {@link #kill()} SIGKILL (a crash).
 */
public final class ServiceProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on http:[^ ]*?:(\\d+)");

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;
  private volatile int port = -1;

  private ServiceProcess(Process process) {
    this.process = process;
    this.reader = new Thread(this::pump, "service-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code io.leadrouter.Main} with these arguments and extra environment. */
  public static ServiceProcess start(Map<String, String> env, String... args) throws IOException {
    return startMain(MAIN, env, args);
  }

  /** Starts {@code mainClass} of the test class path (e.g. a client of the service) in a JVM of its own. */
  public static ServiceProcess startMain(String mainClass, Map<String, String> env, String... args) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command(mainClass, args)).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("LEADROUTER_"));
    pb.environment().putAll(env);
    return new ServiceProcess(pb.start());
  }

  /** Runs the main class to completion (e.g. the token command) and returns its output. */
  public static String run(Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command(MAIN, args)).redirectErrorStream(false);
    pb.environment().keySet().removeIf(k -> k.startsWith("LEADROUTER_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("command did not finish");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("exit " + p.exitValue() + ": "
          + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
    return out.trim();
  }

  private static final String MAIN = "io.leadrouter.Main";

  private static List<String> command(String mainClass, String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        mainClass));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private void pump() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  /** Waits until the service listens; returns its HTTP port. */
  public int awaitListening(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (port < 0) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("service did not start; output:\n" + String.join("\n", lines));
      }
      Thread.sleep(50);
    }
    return port;
  }

  /** Waits until a line of the output contains {@code text}, or the process ended, or {@code timeout} passed. */
  public boolean awaitLine(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (lines.stream().noneMatch(l -> l.contains(text))) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        return lines.stream().anyMatch(l -> l.contains(text));
      }
      Thread.sleep(50);
    }
    return true;
  }

  public List<String> output() {
    return List.copyOf(lines);
  }

  public long pid() {
    return process.pid();
  }

  /** SIGTERM, then waits for the exit; returns the exit code. */
  public int terminate() throws InterruptedException {
    // through the handle: Process.destroy() would also close our end of its output pipe, losing the
    // lines it writes while shutting down
    process.toHandle().destroy();
    return awaitExit(Duration.ofSeconds(90));
  }

  /** Waits for the process to end by itself; returns the exit code once all its output is read. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException("service did not exit within " + timeout);
    }
    reader.join(10_000);
    return process.exitValue();
  }

  /** SIGKILL: a crash with no shutdown hook. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
