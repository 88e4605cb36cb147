package io.leadrouter.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The table of settings (flag name, default, meaning), the environment names derived from it, and what
 * {@code --help} prints. {@link Config#load} reads values for exactly these names.
 */
final class Settings {

  /** Environment variables of the service that are not settings: read before the settings are. */
  static final Set<String> OTHER_ENVIRONMENT = Set.of("LEADROUTER_CONFIG", "LEADROUTER_LOG_FORMAT");

  /** Every setting: flag name, default (null = none), and what it means (README's configuration table). */
  static final Map<String, String[]> TABLE = Collections.unmodifiableMap(table());

  private Settings() {}

  private static Map<String, String[]> table() {
    String cores = String.valueOf(Runtime.getRuntime().availableProcessors());
    Map<String, String[]> s = new LinkedHashMap<>();
    s.put("http-host", new String[] {"0.0.0.0", "interface the HTTP server binds"});
    s.put("http-port", new String[] {"8080", "HTTP port"});
    s.put("http-instances", new String[] {cores, "HTTP verticle instances (event loops serving HTTP)"});
    s.put("event-loops", new String[] {cores, "event-loop threads, shared by HTTP, the owners and the event bus (one per core: an owner then shares its loop with an HTTP verticle, and a pick arriving there needs no thread hop)"});
    s.put("jwt-secret", new String[] {null, "HS256 secret, at least 32 characters; with no key at all the service runs in dev mode"});
    s.put("jwt-public-keys", new String[] {null, "comma-separated PEM files of RS256/ES256 public keys (production)"});
    s.put("jwt-algorithm", new String[] {"RS256", "algorithm of jwt-public-keys: RS256 or ES256"});
    s.put("store", new String[] {"postgres", "postgres (embedded unless pg-uri is set) or memory (throwaway)"});
    s.put("pg-uri", new String[] {null, "postgresql://user:pass@host:5432/db of an external Postgres"});
    s.put("pg-pool-size", new String[] {"8", "Postgres connections"});
    s.put("pg-ca-file", new String[] {null, "PEM file of the CA certificate that Postgres' certificate must chain to (sslmode=verify-ca or verify-full in pg-uri)"});
    s.put("data-dir", new String[] {"./data", "directory of the embedded Postgres and the dev-mode secret"});
    s.put("partitions", new String[] {"271", "partitions rotations are spread over"});
    s.put("owners", new String[] {cores, "partition owner verticles in this process"});
    s.put("flush-interval-ms", new String[] {"100", "write-behind flush interval (1..10000)"});
    s.put("flush-batch", new String[] {"5000", "assignment rows per write-behind flush"});
    s.put("write-buffer-max", new String[] {"100000", "picks buffered per owner while the store lags; beyond it next-user answers 503"});
    s.put("sequence-block", new String[] {"1000", "sequence numbers reserved in the store at a time (the most a crash can skip)"});
    s.put("ack", new String[] {"memory", "when a single node answers a pick: memory (once queued for write-behind; a crash loses the last flush interval's picks) or commit (once the store committed it; group commit, a crash loses none); a cluster acknowledges once the backup member holds it"});
    s.put("idle-seconds", new String[] {"600", "rotations unused this long leave memory"});
    s.put("request-timeout-ms", new String[] {"5000", "how long a request waits for its rotation's owner"});
    s.put("shutdown-seconds", new String[] {"45", "the most a graceful stop (SIGTERM) takes: at most half hands partitions over, the rest drains write-behind; the pod's grace period must exceed it plus preStop"});
    s.put("management-port", new String[] {"0", "a port of its own for /metrics and the health probes, which the API port then no longer serves metrics on (0: everything on http-port)"});
    s.put("access-log", new String[] {"false", "log one line per HTTP request: method, route template, status, duration, request id (JSON with LEADROUTER_LOG_FORMAT=json)"});
    s.put("cluster", new String[] {"false", "join a Hazelcast cluster"});
    s.put("cluster-secret", new String[] {null, "secret (at least 32 characters, the same on every member, never given to clients) that members sign the commands they send each other with; required with cluster"});
    s.put("cluster-tls-cert", new String[] {null, "PEM certificate (chain) of this member for TLS on the event bus between members and clients; with cluster-tls-key and cluster-tls-ca"});
    s.put("cluster-tls-key", new String[] {null, "PEM private key (PKCS#8) of cluster-tls-cert"});
    s.put("cluster-tls-ca", new String[] {null, "PEM CA certificate(s) the event-bus peers' certificates must chain to; every peer (member or client) must present one"});
    s.put("cluster-members", new String[] {"", "host:port,... of cluster members to join (TCP-IP discovery)"});
    s.put("cluster-port", new String[] {"5701", "Hazelcast member port"});
    s.put("cluster-bus-port", new String[] {"0", "event-bus port between members (0: any free port; fix it where a network policy must name it)"});
    s.put("cluster-discovery", new String[] {"tcp", "how members find each other: tcp (cluster-members) or kubernetes (k8s-service-dns)"});
    s.put("k8s-service-dns", new String[] {null, "DNS name of the headless Service listing the members (cluster-discovery=kubernetes)"});
    s.put("cluster-quorum", new String[] {"2", "fewest members a side of a split needs to keep handing out picks"});
    s.put("cluster-size", new String[] {"0", "members the cluster is deployed with (0: not fixed); when set, cluster-quorum must be a majority of it"});
    s.put("cluster-partition-group", new String[] {"member", "where a partition's backup goes: member (any other member), node or zone (a member whose cluster-group-name differs)"});
    s.put("cluster-group-name", new String[] {null, "this member's node or zone name, for cluster-partition-group node or zone (Kubernetes: the pod's node name)"});
    s.put("idempotency-retention-hours", new String[] {"24", "how long an Idempotency-Key holds its response (1..8760)"});
    s.put("history-retention-days", new String[] {"90", "how long the assignment log and lead histories are kept; 0 keeps them forever"});
    s.put("purge-interval-seconds", new String[] {"600", "how often each node deletes expired keys and history past its retention"});
    s.put("http-body-budget-bytes", new String[] {"67108864", "request-body bytes this node holds at once; an upload that does not fit is refused with 503"});
    s.put("http-header-timeout-ms", new String[] {"10000", "how long a new connection may take to send its first request's headers"});
    s.put("http-body-timeout-ms", new String[] {"30000", "how long a request's body may take to arrive (408 after)"});
    s.put("http-idle-seconds", new String[] {"60", "connections silent this long (idle keep-alive, stalled transfers) are closed"});
    return s;
  }

  static String envName(String setting) {
    return "LEADROUTER_" + setting.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** {@code LEADROUTER_*} variables that name no setting: most likely typos, which would silently do nothing. */
  static List<String> unknownEnvironment(Map<String, String> env) {
    Set<String> unknown = new TreeSet<>();
    for (String name : env.keySet()) {
      if (name.startsWith("LEADROUTER_") && !OTHER_ENVIRONMENT.contains(name)
          && !TABLE.containsKey(name.substring("LEADROUTER_".length()).toLowerCase(Locale.ROOT).replace('_', '-'))) {
        unknown.add(name);
      }
    }
    return new ArrayList<>(unknown);
  }

  /** What {@code --help} prints: the commands, then every setting with its environment name and default. */
  static List<String> usage() {
    List<String> lines = new ArrayList<>();
    lines.add("usage: java -jar lead-router.jar [--name value ...]   serve (settings below)");
    lines.add("       java -jar lead-router.jar token --account ID [--account ID ...] --sub EMAIL [--ttl 1h|30m|3600s|7d] [--create-secret]");
    lines.add("       java -jar lead-router.jar --help | --version");
    lines.add("");
    lines.add("Settings: defaults < --config FILE (LEADROUTER_CONFIG, a properties file) < environment < command line.");
    lines.add("A LEADROUTER_* variable that names no setting is reported at start-up (WARN).");
    TABLE.forEach((name, v) -> {
      lines.add(String.format(Locale.ROOT, "  --%-28s %-39s %s", name, envName(name),
          v[0] == null || v[0].isEmpty() ? "(no default)" : "default " + v[0]));
      lines.add("      " + v[1]);
    });
    return lines;
  }
}
