package io.leadrouter.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The service's settings: one typed, immutable record, read from defaults &lt; properties file
 * ({@code --config} / {@code LEADROUTER_CONFIG}) &lt; environment ({@code LEADROUTER_*}) &lt; command line
 * ({@code --name value} or {@code --name=value}). {@link #load} validates everything and reports every bad
 * setting, one line each, naming it.
 */
public record Config(
    String httpHost,
    int httpPort,
    int httpInstances,
    int eventLoops,
    String jwtSecret,
    List<Path> jwtPublicKeys,
    String jwtAlgorithm,
    String store,
    String pgUri,
    int pgPoolSize,
    Path pgCaFile,
    Path dataDir,
    int partitions,
    int owners,
    long flushIntervalMs,
    int flushBatch,
    int writeBufferMax,
    int sequenceBlock,
    long idleSeconds,
    long requestTimeoutMs,
    int shutdownSeconds,
    boolean cluster,
    String clusterMembers,
    int clusterPort,
    int clusterBusPort,
    String clusterDiscovery,
    String k8sServiceDns,
    int clusterQuorum,
    int clusterSize,
    String clusterPartitionGroup,
    String clusterGroupName,
    int idempotencyRetentionHours,
    int historyRetentionDays,
    int purgeIntervalSeconds,
    int httpBodyBudgetBytes,
    long httpHeaderTimeoutMs,
    long httpBodyTimeoutMs,
    int httpIdleSeconds,
    boolean accessLog,
    int managementPort,
    String ack,
    String clusterSecret,
    Path clusterTlsCert,
    Path clusterTlsKey,
    Path clusterTlsCa) {

  /** Every setting: flag name, default (null = none), and what it means (README's configuration table). */
  public static final Map<String, String[]> SETTINGS = Settings.TABLE;

  /** What {@code --help} prints: the commands, then every setting with its environment name and default. */
  public static List<String> usage() {
    return Settings.usage();
  }

  public static final class ConfigException extends RuntimeException {
    private final List<String> problems;

    ConfigException(List<String> problems) {
      super(String.join("; ", problems));
      this.problems = problems;
    }

    public List<String> problems() {
      return problems;
    }
  }

  public boolean devMode() {
    return jwtSecret == null && jwtPublicKeys.isEmpty();
  }

  public static String envName(String setting) {
    return Settings.envName(setting);
  }

  /** {@code LEADROUTER_*} environment variables that name no setting (a typo there would silently do nothing). */
  public static List<String> unknownEnvironment(Map<String, String> env) {
    return Settings.unknownEnvironment(env);
  }

  /** Reads and validates; throws {@link ConfigException} listing every bad setting. */
  public static Config load(Map<String, String> env, List<String> args) {
    List<String> problems = new ArrayList<>();
    Map<String, String> values = Layers.read(env, args, problems);
    Parser p = new Parser(values, problems);
    Config c = new Config(
        p.string("http-host"),
        p.integer("http-port", 0, 65535),
        p.integer("http-instances", 1, 256),
        p.integer("event-loops", 1, 1024),
        p.secret("jwt-secret"),
        p.paths("jwt-public-keys"),
        p.oneOf("jwt-algorithm", "RS256", "ES256"),
        p.oneOf("store", "postgres", "memory"),
        values.get("pg-uri"),
        p.integer("pg-pool-size", 1, 200),
        p.path("pg-ca-file"),
        Path.of(p.string("data-dir")),
        p.integer("partitions", 1, 10_000),
        p.integer("owners", 1, 256),
        p.integer("flush-interval-ms", 1, 10_000),
        p.integer("flush-batch", 1, 100_000),
        p.integer("write-buffer-max", 1, 100_000_000),
        p.integer("sequence-block", 1, 10_000_000),
        p.integer("idle-seconds", 1, 86_400 * 7),
        p.integer("request-timeout-ms", 100, 600_000),
        p.integer("shutdown-seconds", 4, 3_600),
        p.bool("cluster"),
        values.getOrDefault("cluster-members", ""),
        p.integer("cluster-port", 1, 65535),
        p.integer("cluster-bus-port", 0, 65535),
        p.oneOf("cluster-discovery", "tcp", "kubernetes"),
        values.get("k8s-service-dns"),
        p.integer("cluster-quorum", 1, 1000),
        p.integer("cluster-size", 0, 1000),
        p.oneOf("cluster-partition-group", "member", "node", "zone"),
        values.get("cluster-group-name"),
        p.integer("idempotency-retention-hours", 1, 8760),
        p.integer("history-retention-days", 0, 36_500),
        p.integer("purge-interval-seconds", 1, 86_400),
        p.integer("http-body-budget-bytes", (int) (2 * 1024 * 1024), Integer.MAX_VALUE),
        p.integer("http-header-timeout-ms", 100, 600_000),
        p.integer("http-body-timeout-ms", 100, 3_600_000),
        p.integer("http-idle-seconds", 1, 86_400),
        p.bool("access-log"),
        p.integer("management-port", 0, 65535),
        p.oneOf("ack", "memory", "commit"),
        p.secret("cluster-secret"),
        p.path("cluster-tls-cert"),
        p.path("cluster-tls-key"),
        p.path("cluster-tls-ca"));
    if (c.pgUri != null && !c.pgUri.startsWith("postgresql://") && !c.pgUri.startsWith("postgres://")) {
      problems.add("pg-uri (LEADROUTER_PG_URI): must start with postgresql://");
    }
    if (c.cluster) {
      ClusterChecks.problems(c, p, problems);
      if (c.ack.equals("commit")) {
        problems.add("ack (LEADROUTER_ACK): commit is for a single node; a cluster member acknowledges a pick once "
            + "its backup member holds it");
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return c;
  }

  /** The entries of {@code cluster-members}, trimmed, empty ones left out. */
  public List<String> clusterMemberList() {
    List<String> out = new ArrayList<>();
    for (String m : clusterMembers.split(",")) {
      if (!m.isBlank()) {
        out.add(m.trim());
      }
    }
    return out;
  }

  /** The longest a graceful stop may wait for Hazelcast to hand this member's partitions over: half the budget. */
  public int handOverSeconds() {
    return shutdownSeconds / 2;
  }

  @Override
  public String toString() { // the record's own would print the secrets
    return "Config" + describe();
  }

  /** Start-up log lines, one per setting that matters, never a secret's value. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("http: " + httpHost + ":" + httpPort + " (" + httpInstances + " instances); " + eventLoops
        + " event loops");
    lines.add("auth: " + (jwtSecret != null ? "HS256 secret (" + jwtSecret.length() + " characters)"
        : !jwtPublicKeys.isEmpty() ? jwtAlgorithm + " public keys " + jwtPublicKeys : "DEV MODE (generated secret)"));
    lines.add("store: " + store + (store.equals("postgres")
        ? (pgUri != null ? " at " + maskPassword(pgUri) + " (pool " + pgPoolSize
            + (pgCaFile != null ? ", CA " + pgCaFile : "") + ")" : " embedded, data in " + dataDir)
        : " (nothing survives a restart)"));
    lines.add("http limits: " + httpBodyBudgetBytes + " body bytes in flight, headers within " + httpHeaderTimeoutMs
        + " ms, bodies within " + httpBodyTimeoutMs + " ms, connections closed after " + httpIdleSeconds + " s silent");
    lines.add("partitions: " + partitions + " over " + owners + " owner verticles; idle rotations leave memory after "
        + idleSeconds + " s");
    lines.add("write-behind: flush every " + flushIntervalMs + " ms, " + flushBatch + " rows per batch, buffer "
        + writeBufferMax + " picks per owner; sequence block " + sequenceBlock + (cluster ? ""
        : ack.equals("commit") ? "; picks answered once committed to the store (ack=commit)"
        : "; picks answered once queued (ack=memory)"));
    lines.add("cluster: " + (cluster ? "on, port " + clusterPort + ", " + (clusterDiscovery.equals("kubernetes")
        ? "kubernetes DNS discovery of " + k8sServiceDns : "members " + (clusterMembers.isBlank() ? "(none yet)" : clusterMembers))
        + ", quorum " + clusterQuorum + (clusterSize > 0 ? " of " + clusterSize + " members" : "")
        + ", event bus port " + (clusterBusPort == 0 ? "any" : clusterBusPort) + ", backups on another "
        + clusterPartitionGroup + (clusterGroupName != null ? " (this one: " + clusterGroupName + ")" : "")
        + (clusterSecret != null ? ", commands between members signed with cluster-secret (" + clusterSecret.length()
            + " characters)" : "")
        + (clusterTlsCert != null ? ", event bus over TLS (certificate " + clusterTlsCert + ", CA " + clusterTlsCa
            + ", peers must present a certificate)" : ", event bus in the clear")
        : "off (single node)"));
    lines.add("shutdown: at most " + shutdownSeconds + " s" + (cluster ? ", of which at most " + handOverSeconds()
        + " s hand partitions over" : ""));
    lines.add("retention: idempotency keys " + idempotencyRetentionHours + " h, assignment log and lead histories "
        + (historyRetentionDays == 0 ? "forever" : historyRetentionDays + " days") + ", purged every "
        + purgeIntervalSeconds + " s");
    return lines;
  }

  public static String maskPassword(String uri) {
    return io.leadrouter.util.Secrets.maskPassword(uri);
  }
}
