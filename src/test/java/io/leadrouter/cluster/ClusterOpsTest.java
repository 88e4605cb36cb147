package io.leadrouter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.Version;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * A member as Kubernetes runs it (fixed event-bus port, node partition group, quorum of its size): ready once
 * the cluster is safe, its cluster gauges exported, and every metric that k8s/monitoring's alerts and
 * dashboard use present in a real scrape of its /metrics.
 */
class ClusterOpsTest {

  private static final Pattern METRIC = Pattern.compile("\\b((?:leadrouter|vertx|jvm)_[a-z0-9_]+)");

  @Test
  void aMemberIsReadyExportsClusterGaugesAndEveryMonitoredMetric() throws Exception {
    String pgUri = TestPostgres.freshDatabaseUri();
    List<Integer> ports = InJvmMember.freePorts(3);
    InJvmMember member = InJvmMember.start(pgUri, ports.get(0), List.of(ports.get(0)), "--cluster-quorum", "1",
        "--cluster-size", "1", "--cluster-bus-port", String.valueOf(ports.get(1)),
        "--cluster-partition-group", "node", "--cluster-group-name", "node-a",
        // as in k8s/: metrics and probes on a management port of their own
        "--management-port", String.valueOf(ports.get(2)));
    Vertx client = Vertx.vertx();
    try {
      Api api = new Api(client, member.httpPort(), TestApp.token(client, "ops@example.com", "2311"), "2311");
      InJvmMember.awaitSettled(List.of(api), 1);
      JsonObject ready = api.as(null, null).get("/health/ready").await(10, TimeUnit.SECONDS).bodyAsJsonObject();
      assertThat(ready.getString("status")).isEqualTo("UP");
      assertThat(ready.getJsonObject("checks").getJsonObject("cluster").getBoolean("seenSafeSinceStart")).isTrue();
      // the event bus listens on the configured port (a network policy names it)
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", ports.get(1)), 2_000);
        assertThat(s.isConnected()).isTrue();
      }

      long id = api.createRotation(new JsonObject().put("name", "ops").put("members", new JsonArray().add("a@example.com")))
          .await(10, TimeUnit.SECONDS).getLong("id");
      for (int i = 0; i < 3; i++) {
        assertThat(api.get("/lead-rotations/" + id + "/next-user").await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
      assertThat(api.as(null, null).get("/metrics").await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
      Api management = new Api(client, ports.get(2), null, null);
      assertThat(management.get("/health/ready").await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      String scrape = management.get("/metrics").await(10, TimeUnit.SECONDS).bodyAsString();
      assertThat(scrape).contains("leadrouter_cluster_members 1.0").contains("leadrouter_cluster_quorum_present 1.0")
          .contains("leadrouter_cluster_size 1.0").contains("leadrouter_cluster_partitions_owned 61.0")
          .contains("leadrouter_build_info{version=\"" + Version.VERSION + "\"} 1")
          .contains("leadrouter_writebehind_capacity 100000.0")
          // replication rounds, one per group commit: the three picks above were confirmed in at least one
          .containsPattern("leadrouter_replication_round_seconds_count\\{outcome=\"acknowledged\"\\} [1-9]")
          // HTTP latency as histogram buckets by route template (aggregatable over members)
          .contains("route=\"/lead-rotations/:rotationId/next-user\"").doesNotContain(">/lead-rotations");

      Set<String> exported = new TreeSet<>();
      for (String line : scrape.split("\n")) {
        if (!line.startsWith("#") && !line.isBlank()) {
          exported.add(line.split("[{ ]")[0]);
        }
      }
      Set<String> used = new TreeSet<>();
      for (String expr : monitoringExpressions()) {
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
          used.add(m.group(1));
        }
      }
      assertThat(used).contains("leadrouter_next_user_seconds_bucket", "leadrouter_cluster_quorum_present",
          "leadrouter_replication_round_seconds_bucket", "leadrouter_replication_round_seconds_count",
          "vertx_http_server_requests_total", "jvm_memory_used_bytes");
      assertThat(exported).containsAll(used);
    } finally {
      member.stop();
      client.close().await(10, TimeUnit.SECONDS);
      TestPostgres.dropDatabase(pgUri);
    }
  }

  /** Every PromQL expression of the alert rules and the dashboard (which must parse as YAML and JSON). */
  @SuppressWarnings("unchecked")
  private static List<String> monitoringExpressions() throws Exception {
    Path dir = Path.of("k8s", "monitoring");
    List<String> exprs = new ArrayList<>();
    Map<String, Object> rule = new Yaml().load(Files.readString(dir.resolve("prometheusrule.yaml")));
    for (Map<String, Object> group : (List<Map<String, Object>>) ((Map<String, Object>) rule.get("spec")).get("groups")) {
      for (Map<String, Object> r : (List<Map<String, Object>>) group.get("rules")) {
        exprs.add((String) r.get("expr"));
      }
    }
    JsonObject dashboard = new JsonObject(Files.readString(dir.resolve("grafana-dashboard.json")));
    for (Object panel : dashboard.getJsonArray("panels")) {
      for (Object target : ((JsonObject) panel).getJsonArray("targets")) {
        exprs.add(((JsonObject) target).getString("expr"));
      }
    }
    Map<String, Object> monitor = new Yaml().load(Files.readString(dir.resolve("servicemonitor.yaml")));
    assertThat(monitor.get("kind")).isEqualTo("ServiceMonitor");
    // scraped on the management port (the API port serves no metrics in k8s/)
    assertThat(monitor).extracting("spec").extracting("endpoints").asList().first()
        .extracting("port").isEqualTo("management");
    assertThat(exprs).hasSizeGreaterThan(10).allSatisfy(e -> assertThat(e).isNotBlank());
    return exprs;
  }
}
