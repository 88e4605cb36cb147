package io.leadrouter.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

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
    boolean cluster,
    String clusterMembers,
    int clusterPort,
    String clusterDiscovery,
    String k8sServiceDns,
    int clusterQuorum,
    int idempotencyRetentionHours,
    int historyRetentionDays,
    int purgeIntervalSeconds,
    int httpBodyBudgetBytes,
    long httpHeaderTimeoutMs,
    long httpBodyTimeoutMs,
    int httpIdleSeconds) {

  /** Every setting: flag name, default (null = none), and what it means (README's configuration table). */
  public static final Map<String, String[]> SETTINGS = settings();

  private static Map<String, String[]> settings() {
    int cores = Runtime.getRuntime().availableProcessors();
    Map<String, String[]> s = new LinkedHashMap<>();
    s.put("http-host", new String[] {"0.0.0.0", "interface the HTTP server binds"});
    s.put("http-port", new String[] {"8080", "HTTP port"});
    s.put("http-instances", new String[] {String.valueOf(cores), "HTTP verticle instances (event loops serving HTTP)"});
    s.put("jwt-secret", new String[] {null, "HS256 secret, at least 32 characters; with no key at all the service runs in dev mode"});
    s.put("jwt-public-keys", new String[] {null, "comma-separated PEM files of RS256/ES256 public keys (production)"});
    s.put("jwt-algorithm", new String[] {"RS256", "algorithm of jwt-public-keys: RS256 or ES256"});
    s.put("store", new String[] {"postgres", "postgres (embedded unless pg-uri is set) or memory (throwaway)"});
    s.put("pg-uri", new String[] {null, "postgresql://user:pass@host:5432/db of an external Postgres"});
    s.put("pg-pool-size", new String[] {"8", "Postgres connections"});
    s.put("pg-ca-file", new String[] {null, "PEM file of the CA certificate that Postgres' certificate must chain to (sslmode=verify-ca or verify-full in pg-uri)"});
    s.put("data-dir", new String[] {"./data", "directory of the embedded Postgres and the dev-mode secret"});
    s.put("partitions", new String[] {"271", "partitions rotations are spread over"});
    s.put("owners", new String[] {String.valueOf(cores), "partition owner verticles in this process"});
    s.put("flush-interval-ms", new String[] {"100", "write-behind flush interval (1..10000)"});
    s.put("flush-batch", new String[] {"5000", "assignment rows per write-behind flush"});
    s.put("write-buffer-max", new String[] {"100000", "picks buffered per owner while the store lags; beyond it next-user answers 503"});
    s.put("sequence-block", new String[] {"1000", "sequence numbers reserved in the store at a time (the most a crash can skip)"});
    s.put("idle-seconds", new String[] {"600", "rotations unused this long leave memory"});
    s.put("request-timeout-ms", new String[] {"5000", "how long a request waits for its rotation's owner"});
    s.put("cluster", new String[] {"false", "join a Hazelcast cluster"});
    s.put("cluster-members", new String[] {"", "host:port,... of cluster members to join (TCP-IP discovery)"});
    s.put("cluster-port", new String[] {"5701", "Hazelcast member port"});
    s.put("cluster-discovery", new String[] {"tcp", "how members find each other: tcp (cluster-members) or kubernetes (k8s-service-dns)"});
    s.put("k8s-service-dns", new String[] {null, "DNS name of the headless Service listing the members (cluster-discovery=kubernetes)"});
    s.put("cluster-quorum", new String[] {"2", "fewest members a side of a split needs to keep handing out picks"});
    s.put("idempotency-retention-hours", new String[] {"24", "how long an Idempotency-Key holds its response (1..8760)"});
    s.put("history-retention-days", new String[] {"90", "how long the assignment log and lead histories are kept; 0 keeps them forever"});
    s.put("purge-interval-seconds", new String[] {"600", "how often each node deletes expired keys and history past its retention"});
    s.put("http-body-budget-bytes", new String[] {"67108864", "request-body bytes this node holds at once; an upload that does not fit is refused with 503"});
    s.put("http-header-timeout-ms", new String[] {"10000", "how long a new connection may take to send its first request's headers"});
    s.put("http-body-timeout-ms", new String[] {"30000", "how long a request's body may take to arrive (408 after)"});
    s.put("http-idle-seconds", new String[] {"60", "connections silent this long (idle keep-alive, stalled transfers) are closed"});
    return s;
  }

  /** What {@code --help} prints: the commands, then every setting with its environment name and default. */
  public static List<String> usage() {
    List<String> lines = new ArrayList<>();
    lines.add("usage: java -jar lead-router.jar [--name value ...]   serve (settings below)");
    lines.add("       java -jar lead-router.jar token --account ID [--account ID ...] --sub EMAIL [--ttl 1h|30m|3600s|7d]");
    lines.add("       java -jar lead-router.jar --help");
    lines.add("");
    lines.add("Settings: defaults < --config FILE (LEADROUTER_CONFIG, a properties file) < environment < command line.");
    SETTINGS.forEach((name, v) -> {
      lines.add(String.format(Locale.ROOT, "  --%-28s %-39s %s", name, envName(name),
          v[0] == null || v[0].isEmpty() ? "(no default)" : "default " + v[0]));
      lines.add("      " + v[1]);
    });
    return lines;
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
    return "LEADROUTER_" + setting.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** Reads and validates; throws {@link ConfigException} listing every bad setting. */
  public static Config load(Map<String, String> env, List<String> args) {
    List<String> problems = new ArrayList<>();
    Map<String, String> values = new LinkedHashMap<>();
    SETTINGS.forEach((k, v) -> {
      if (v[0] != null) {
        values.put(k, v[0]);
      }
    });
    Map<String, String> flags = parseFlags(args, problems);
    String file = flags.getOrDefault("config", env.get("LEADROUTER_CONFIG"));
    if (file != null) {
      readFile(Path.of(file), values, problems);
    }
    SETTINGS.keySet().forEach(k -> {
      String e = env.get(envName(k));
      if (e != null && !e.isBlank()) {
        values.put(k, e.trim());
      }
    });
    flags.forEach((k, v) -> {
      if (!k.equals("config")) {
        values.put(k, v);
      }
    });
    Parser p = new Parser(values, problems);
    Config c = new Config(
        p.string("http-host"),
        p.integer("http-port", 0, 65535),
        p.integer("http-instances", 1, 256),
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
        p.bool("cluster"),
        values.getOrDefault("cluster-members", ""),
        p.integer("cluster-port", 1, 65535),
        p.oneOf("cluster-discovery", "tcp", "kubernetes"),
        values.get("k8s-service-dns"),
        p.integer("cluster-quorum", 1, 1000),
        p.integer("idempotency-retention-hours", 1, 8760),
        p.integer("history-retention-days", 0, 36_500),
        p.integer("purge-interval-seconds", 1, 86_400),
        p.integer("http-body-budget-bytes", (int) (2 * 1024 * 1024), Integer.MAX_VALUE),
        p.integer("http-header-timeout-ms", 100, 600_000),
        p.integer("http-body-timeout-ms", 100, 3_600_000),
        p.integer("http-idle-seconds", 1, 86_400));
    if (c.pgUri != null && !c.pgUri.startsWith("postgresql://") && !c.pgUri.startsWith("postgres://")) {
      problems.add("pg-uri (LEADROUTER_PG_URI): must start with postgresql://");
    }
    if (c.cluster) {
      clusterProblems(c, p, problems);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return c;
  }

  /** A cluster needs one Postgres shared by every member and a way to find the other members. */
  private static void clusterProblems(Config c, Parser p, List<String> problems) {
    if (c.store.equals("memory")) {
      problems.add(p.where("store") + ": memory cannot be shared by cluster members; use postgres with pg-uri");
    } else if (c.pgUri == null) {
      problems.add(p.where("pg-uri") + ": a cluster needs the Postgres all members share (the embedded one is per process)");
    }
    if (c.clusterDiscovery.equals("kubernetes") && (c.k8sServiceDns == null || c.k8sServiceDns.isBlank())) {
      problems.add(p.where("k8s-service-dns") + ": needed with cluster-discovery=kubernetes");
    }
    for (String member : c.clusterMemberList()) {
      if (!validMember(member)) {
        problems.add(p.where("cluster-members") + ": '" + member + "' is not host or host:port");
      }
    }
  }

  private static boolean validMember(String member) {
    int colon = member.lastIndexOf(':');
    String host = colon < 0 ? member : member.substring(0, colon);
    if (!host.matches("[A-Za-z0-9_.-]+")) {
      return false;
    }
    if (colon < 0) {
      return true;
    }
    String port = member.substring(colon + 1);
    return port.matches("[0-9]{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
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

  private static Map<String, String> parseFlags(List<String> args, List<String> problems) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--")) {
        problems.add("unexpected argument '" + a + "' (settings are --name value)");
        continue;
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (name.equals("cluster") && (i + 1 >= args.size() || args.get(i + 1).startsWith("--"))) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        problems.add("--" + name + ": needs a value");
        continue;
      }
      if (!SETTINGS.containsKey(name) && !name.equals("config")) {
        problems.add("--" + name + ": unknown setting (known: " + String.join(", ", SETTINGS.keySet()) + ", config)");
        continue;
      }
      flags.put(name, value);
    }
    return flags;
  }

  private static void readFile(Path file, Map<String, String> values, List<String> problems) {
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      props.load(r);
    } catch (IOException e) {
      problems.add("config: cannot read " + file + ": " + e.getMessage());
      return;
    }
    for (String key : props.stringPropertyNames()) {
      if (SETTINGS.containsKey(key)) {
        values.put(key, props.getProperty(key).trim());
      } else {
        problems.add("config: unknown setting '" + key + "' in " + file);
      }
    }
  }

  private record Parser(Map<String, String> values, List<String> problems) {

    private String where(String k) {
      return k + " (" + envName(k) + " / --" + k + ")";
    }

    String string(String k) {
      return values.get(k);
    }

    int integer(String k, int min, int max) {
      String v = values.get(k);
      try {
        int i = Integer.parseInt(v);
        if (i < min || i > max) {
          problems.add(where(k) + ": " + v + " is outside " + min + ".." + max);
        }
        return i;
      } catch (NumberFormatException e) {
        problems.add(where(k) + ": '" + v + "' is not a whole number");
        return min;
      }
    }

    boolean bool(String k) {
      String v = values.get(k).toLowerCase(Locale.ROOT);
      if (!v.equals("true") && !v.equals("false")) {
        problems.add(where(k) + ": '" + v + "' is not true or false");
      }
      return v.equals("true");
    }

    String oneOf(String k, String... allowed) {
      String v = values.get(k);
      for (String a : allowed) {
        if (a.equalsIgnoreCase(v)) {
          return a;
        }
      }
      problems.add(where(k) + ": '" + v + "' is not one of " + String.join(", ", allowed));
      return allowed[0];
    }

    String secret(String k) {
      String v = values.get(k);
      if (v != null && v.length() < 32) {
        problems.add(where(k) + ": too short (" + v.length() + " characters; at least 32)");
      }
      return v;
    }

    /** A readable file, or null when not set. */
    Path path(String k) {
      List<Path> paths = paths(k);
      if (paths.size() > 1) {
        problems.add(where(k) + ": one file, not a list");
      }
      return paths.isEmpty() ? null : paths.get(0);
    }

    List<Path> paths(String k) {
      String v = values.get(k);
      List<Path> out = new ArrayList<>();
      if (v == null || v.isBlank()) {
        return out;
      }
      for (String part : v.split(",")) {
        Path path = Path.of(part.trim());
        if (!Files.isReadable(path)) {
          problems.add(where(k) + ": cannot read " + path);
        }
        out.add(path);
      }
      return out;
    }
  }

  /** Start-up log lines, one per setting that matters, never a secret's value. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("http: " + httpHost + ":" + httpPort + " (" + httpInstances + " instances)");
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
        + writeBufferMax + " picks per owner; sequence block " + sequenceBlock);
    lines.add("cluster: " + (cluster ? "on, port " + clusterPort + ", " + (clusterDiscovery.equals("kubernetes")
        ? "kubernetes DNS discovery of " + k8sServiceDns : "members " + (clusterMembers.isBlank() ? "(none yet)" : clusterMembers))
        + ", quorum " + clusterQuorum : "off (single node)"));
    lines.add("retention: idempotency keys " + idempotencyRetentionHours + " h, assignment log and lead histories "
        + (historyRetentionDays == 0 ? "forever" : historyRetentionDays + " days") + ", purged every "
        + purgeIntervalSeconds + " s");
    return lines;
  }

  public static String maskPassword(String uri) {
    return io.leadrouter.util.Secrets.maskPassword(uri);
  }
}
