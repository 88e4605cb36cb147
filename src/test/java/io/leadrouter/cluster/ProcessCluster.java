package io.leadrouter.cluster;

import io.leadrouter.testing.ServiceProcess;
import io.leadrouter.testing.TestApp;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Cluster members as separate JVMs on 127.0.0.1 (the service's main class, as a user runs it), all on one
 * Postgres database. Each is stopped through its own handle: {@link #kill} (SIGKILL) or {@link #terminate}
 * (SIGTERM). Their output is kept under {@code target/cluster-logs}.
 */
final class ProcessCluster implements AutoCloseable {

  /** Each member's request-timeout-ms. */
  static final long REQUEST_TIMEOUT_MS = 20_000;
  /** Each member's partitions (a client joining the cluster must say the same). */
  static final int PARTITIONS = 31;

  private final String name;
  private final String pgUri;
  private final List<Integer> hazelcastPorts;
  private final ServiceProcess[] processes;
  private final int[] httpPorts;
  private final int[] starts;
  private final String[] extra;

  /** {@code extra}: more settings for every member (e.g. {@code --cluster-quorum 1}). */
  ProcessCluster(String name, String pgUri, int size, String... extra) throws IOException {
    this.extra = extra;
    this.name = name;
    this.pgUri = pgUri;
    this.hazelcastPorts = InJvmMember.freePorts(size);
    this.processes = new ServiceProcess[size];
    this.httpPorts = new int[size];
    this.starts = new int[size];
  }

  /** Starts member {@code i} (again, after a kill or a stop); does not wait for it. */
  void launch(int i) throws IOException {
    String members = hazelcastPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    // the flags Hazelcast asks for on Java 17, as the test JVM got them from the build
    String flags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-")).collect(Collectors.joining(" "));
    httpPorts[i] = -1;
    starts[i]++;
    List<String> args = new ArrayList<>(List.of(
        "--cluster", "--cluster-port", String.valueOf(hazelcastPorts.get(i)), "--cluster-members", members,
        "--pg-uri", pgUri, "--pg-pool-size", "4", "--http-port", "0", "--http-instances", "1", "--owners", "2",
        "--partitions", String.valueOf(PARTITIONS), "--flush-interval-ms", "50",
        // far above any failover: a request answered only by this timeout fails the kill test
        "--request-timeout-ms", String.valueOf(REQUEST_TIMEOUT_MS)));
    args.addAll(List.of(extra));
    processes[i] = ServiceProcess.start(Map.of("JAVA_TOOL_OPTIONS", flags, "LEADROUTER_JWT_SECRET", TestApp.SECRET,
        "LEADROUTER_CLUSTER_SECRET", TestApp.CLUSTER_SECRET),
        args.toArray(String[]::new));
  }

  /** Waits until member {@code i} serves HTTP; returns its port. */
  int awaitListening(int i) throws InterruptedException {
    httpPorts[i] = processes[i].awaitListening(Duration.ofSeconds(90));
    return httpPorts[i];
  }

  int start(int i) throws Exception {
    launch(i);
    return awaitListening(i);
  }

  /** The members' Hazelcast addresses, {@code 127.0.0.1:port,...} (their {@code cluster-members}). */
  String memberList() {
    return hazelcastPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  int hazelcastPort(int i) {
    return hazelcastPorts.get(i);
  }

  int httpPort(int i) {
    return httpPorts[i];
  }

  void kill(int i) throws Exception {
    processes[i].kill();
    save(i);
  }

  int terminate(int i) throws Exception {
    int exit = processes[i].terminate();
    save(i);
    return exit;
  }

  /** SIGSTOP: the member freezes (a long GC pause, a stalled VM) without its sockets closing. */
  void pause(int i) throws Exception {
    signal("STOP", i);
  }

  /** SIGCONT: the paused member runs on, still believing what it believed before the pause. */
  void resume(int i) throws Exception {
    signal("CONT", i);
  }

  private void signal(String signal, int i) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(processes[i].pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + processes[i].pid() + " failed");
    }
  }

  List<String> output(int i) {
    return processes[i].output();
  }

  private void save(int i) throws IOException {
    Path dir = Path.of("target", "cluster-logs");
    Files.createDirectories(dir);
    Files.write(dir.resolve(name + "-member" + i + "-run" + starts[i] + ".log"), processes[i].output());
  }

  @Override
  public void close() throws Exception {
    List<Exception> failures = new ArrayList<>();
    for (int i = 0; i < processes.length; i++) {
      if (processes[i] != null) {
        try {
          processes[i].close();
          save(i);
        } catch (Exception e) {
          failures.add(e);
        }
      }
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }
}
