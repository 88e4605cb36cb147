package io.leadrouter.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.PartitionGroupConfig;
import com.hazelcast.spi.partitiongroup.PartitionGroupMetaData;
import io.leadrouter.config.Config;
import io.leadrouter.testing.TestApp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cluster settings: validated at start-up with messages naming them, and the Hazelcast configuration built from them. */
class ClusterSettingsTest {

  private static final String PG = "postgresql://lr@db:5432/lr";

  @Test
  void aClusterNeedsOnePostgresSharedByItsMembers() {
    assertThatThrownBy(() -> Config.load(Map.of(), List.of("--cluster", "--cluster-secret", TestApp.CLUSTER_SECRET, "--jwt-secret", TestApp.SECRET)))
        .isInstanceOfSatisfying(Config.ConfigException.class, e -> assertThat(e.problems())
            .singleElement().asString().startsWith("pg-uri (LEADROUTER_PG_URI / --pg-uri)").contains("share"));
    assertThatThrownBy(() -> Config.load(Map.of(), List.of("--cluster", "--cluster-secret", TestApp.CLUSTER_SECRET, "--jwt-secret", TestApp.SECRET, "--store", "memory")))
        .isInstanceOfSatisfying(Config.ConfigException.class, e -> assertThat(e.problems())
            .singleElement().asString().startsWith("store").contains("cannot be shared"));
    assertThat(Config.load(Map.of(), List.of("--store", "memory")).cluster()).isFalse();
  }

  @Test
  void kubernetesDiscoveryNeedsTheServiceDnsName() {
    assertThatThrownBy(() -> Config.load(Map.of("LEADROUTER_JWT_SECRET", TestApp.SECRET, "LEADROUTER_CLUSTER_SECRET", TestApp.CLUSTER_SECRET, "LEADROUTER_CLUSTER", "true", "LEADROUTER_PG_URI", PG,
        "LEADROUTER_CLUSTER_DISCOVERY", "kubernetes"), List.of()))
        .isInstanceOfSatisfying(Config.ConfigException.class, e -> assertThat(e.problems())
            .singleElement().asString().startsWith("k8s-service-dns (LEADROUTER_K8S_SERVICE_DNS"));
    Config c = Config.load(Map.of("LEADROUTER_JWT_SECRET", TestApp.SECRET, "LEADROUTER_CLUSTER_SECRET", TestApp.CLUSTER_SECRET, "LEADROUTER_CLUSTER", "true", "LEADROUTER_PG_URI", PG,
        "LEADROUTER_CLUSTER_DISCOVERY", "kubernetes", "LEADROUTER_K8S_SERVICE_DNS", "lead-router-hz.ns.svc.cluster.local"),
        List.of());
    assertThat(c.describe()).anyMatch(l -> l.contains("kubernetes DNS discovery of lead-router-hz.ns.svc.cluster.local"));
    com.hazelcast.config.Config hz = HazelcastSetup.build(c);
    assertThat(hz.getNetworkConfig().getJoin().getKubernetesConfig().isEnabled()).isTrue();
    assertThat(hz.getNetworkConfig().getJoin().getKubernetesConfig().getProperty("service-dns"))
        .isEqualTo("lead-router-hz.ns.svc.cluster.local");
    assertThat(hz.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled()).isFalse();
    assertThatThrownBy(() -> Config.load(Map.of(), List.of("--cluster", "--cluster-secret", TestApp.CLUSTER_SECRET, "--jwt-secret", TestApp.SECRET, "--pg-uri", PG, "--cluster-discovery", "dns")))
        .isInstanceOfSatisfying(Config.ConfigException.class, e -> assertThat(e.problems())
            .singleElement().asString().startsWith("cluster-discovery").contains("tcp, kubernetes"));
  }

  @Test
  void membersAreHostOrHostColonPort() {
    assertThatThrownBy(() -> Config.load(Map.of("LEADROUTER_CLUSTER_MEMBERS", "10.0.0.1:5701, node-b ,bad host,c:99999"),
        List.of("--cluster", "--cluster-secret", TestApp.CLUSTER_SECRET, "--jwt-secret", TestApp.SECRET, "--pg-uri", PG)))
        .isInstanceOfSatisfying(Config.ConfigException.class, e -> assertThat(e.problems()).hasSize(2)
            .anyMatch(p -> p.startsWith("cluster-members (LEADROUTER_CLUSTER_MEMBERS") && p.contains("'bad host'"))
            .anyMatch(p -> p.contains("'c:99999'")));
  }

  @Test
  void theHazelcastConfigurationFollowsTheSettings() {
    Config c = Config.load(Map.of(), List.of("--cluster", "--cluster-secret", TestApp.CLUSTER_SECRET, "--jwt-secret", TestApp.SECRET, "--pg-uri", PG, "--cluster-port", "5801",
        "--cluster-members", "127.0.0.1:5801,127.0.0.1:5802", "--partitions", "61", "--cluster-quorum", "3"));
    com.hazelcast.config.Config hz = HazelcastSetup.build(c);
    assertThat(hz.getNetworkConfig().getPort()).isEqualTo(5801);
    assertThat(hz.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(hz.getNetworkConfig().getJoin().getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:5801", "127.0.0.1:5802");
    assertThat(hz.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(hz.getProperty("hazelcast.partition.count")).isEqualTo("61");
    assertThat(hz.getProperty("hazelcast.operation.fail.on.indeterminate.state")).isEqualTo("true");
    assertThat(hz.getSplitBrainProtectionConfig(HazelcastReplica.QUORUM).getMinimumClusterSize()).isEqualTo(3);
    MapConfig replica = hz.getMapConfig(HazelcastReplica.MAP);
    assertThat(replica.getBackupCount()).isEqualTo(1);
    assertThat(replica.getAsyncBackupCount()).isZero();
    assertThat(replica.getInMemoryFormat()).isEqualTo(InMemoryFormat.OBJECT);
    assertThat(replica.getSplitBrainProtectionName()).isEqualTo(HazelcastReplica.QUORUM);
    // the maps the clustered event bus needs come from Vert.x's default configuration
    assertThat(hz.getMultiMapConfigs()).containsKey("__vertx.subs");
  }

  @Test
  void aClusterNeedsAClusterSecretThatIsNeverLogged() {
    assertThatThrownBy(() -> Config.load(Map.of(), List.of("--cluster", "--jwt-secret", TestApp.SECRET, "--pg-uri", PG)))
        .isInstanceOfSatisfying(Config.ConfigException.class, e -> assertThat(e.problems())
            .singleElement().asString().startsWith("cluster-secret (LEADROUTER_CLUSTER_SECRET / --cluster-secret)")
            .contains("required with cluster"));
    assertThatThrownBy(() -> Config.load(Map.of("LEADROUTER_CLUSTER_SECRET", " "), List.of("--cluster", "--jwt-secret",
        TestApp.SECRET, "--pg-uri", PG)))
        .isInstanceOfSatisfying(Config.ConfigException.class, e -> assertThat(e.problems())
            .anyMatch(p -> p.startsWith("cluster-secret") && p.contains("blank")));
    assertThatThrownBy(() -> Config.load(Map.of(), List.of("--cluster", "--cluster-secret", "short", "--jwt-secret",
        TestApp.SECRET, "--pg-uri", PG)))
        .isInstanceOfSatisfying(Config.ConfigException.class, e -> assertThat(e.problems())
            .singleElement().asString().startsWith("cluster-secret").contains("at least 32"));
    Config c = Config.load(Map.of("LEADROUTER_CLUSTER_SECRET", TestApp.CLUSTER_SECRET), List.of("--cluster",
        "--jwt-secret", TestApp.SECRET, "--pg-uri", PG));
    assertThat(c.clusterSecret()).isEqualTo(TestApp.CLUSTER_SECRET);
    assertThat(String.join("\n", c.describe())).contains("signed with cluster-secret").doesNotContain(TestApp.CLUSTER_SECRET);
    assertThat(c.toString()).doesNotContain(TestApp.CLUSTER_SECRET).doesNotContain(TestApp.SECRET);
    // a single node needs none
    assertThat(Config.load(Map.of(), List.of("--store", "memory")).clusterSecret()).isNull();
  }

  @Test
  void eventBusTlsNeedsCertificateKeyAndCaTogether() throws Exception {
    java.nio.file.Path pem = java.nio.file.Files.createTempFile("member", ".pem");
    try {
      assertThatThrownBy(() -> Config.load(Map.of(), List.of("--cluster", "--cluster-secret", TestApp.CLUSTER_SECRET,
          "--jwt-secret", TestApp.SECRET, "--pg-uri", PG, "--cluster-tls-cert", pem.toString())))
          .isInstanceOfSatisfying(Config.ConfigException.class, e -> assertThat(e.problems())
              .singleElement().asString().startsWith("cluster-tls-cert").contains("together"));
      assertThatThrownBy(() -> Config.load(Map.of(), List.of("--cluster", "--cluster-secret", TestApp.CLUSTER_SECRET,
          "--jwt-secret", TestApp.SECRET, "--pg-uri", PG, "--cluster-tls-cert", pem.toString(), "--cluster-tls-key",
          pem.toString(), "--cluster-tls-ca", "/no/such/ca.pem")))
          .isInstanceOfSatisfying(Config.ConfigException.class, e -> assertThat(e.problems())
              .singleElement().asString().startsWith("cluster-tls-ca").contains("cannot read"));
      Config c = Config.load(Map.of(), List.of("--cluster", "--cluster-secret", TestApp.CLUSTER_SECRET, "--jwt-secret",
          TestApp.SECRET, "--pg-uri", PG, "--cluster-tls-cert", pem.toString(), "--cluster-tls-key", pem.toString(),
          "--cluster-tls-ca", pem.toString()));
      var bus = ClusterNode.options(new io.vertx.core.VertxOptions(), c).getEventBusOptions();
      assertThat(bus.isSsl()).isTrue();
      assertThat(bus.getClientAuth()).isEqualTo(io.vertx.core.http.ClientAuth.REQUIRED);
      assertThat(c.describe()).anyMatch(l -> l.contains("event bus over TLS"));
    } finally {
      java.nio.file.Files.delete(pem);
    }
  }

  @Test
  void devModeCannotServeACluster() {
    assertThatThrownBy(() -> Config.load(Map.of(), List.of("--cluster", "--cluster-secret", TestApp.CLUSTER_SECRET, "--pg-uri", PG)))
        .isInstanceOfSatisfying(Config.ConfigException.class, e -> assertThat(e.problems())
            .singleElement().asString().startsWith("cluster: dev mode").contains("LEADROUTER_JWT_SECRET"));
  }

  @Test
  void aFixedClusterSizeNeedsAMajorityQuorum() {
    for (String[] bad : new String[][] {{"4", "2"}, {"3", "1"}, {"3", "4"}}) {
      assertThatThrownBy(() -> Config.load(Map.of(), List.of("--cluster", "--cluster-secret", TestApp.CLUSTER_SECRET, "--jwt-secret", TestApp.SECRET, "--pg-uri", PG,
          "--cluster-size", bad[0], "--cluster-quorum", bad[1])))
          .isInstanceOfSatisfying(Config.ConfigException.class, e -> assertThat(e.problems())
              .singleElement().asString().startsWith("cluster-quorum (LEADROUTER_CLUSTER_QUORUM / --cluster-quorum)")
              .contains("not a majority of cluster-size " + bad[0]));
    }
    Config c = Config.load(Map.of(), List.of("--cluster", "--cluster-secret", TestApp.CLUSTER_SECRET, "--jwt-secret", TestApp.SECRET, "--pg-uri", PG,
        "--cluster-size", "4", "--cluster-quorum", "3"));
    assertThat(c.describe()).anyMatch(l -> l.contains("quorum 3 of 4 members"));
  }

  @Test
  void backupsGoToAnotherNodeWhenAsked() {
    assertThatThrownBy(() -> Config.load(Map.of(), List.of("--cluster", "--cluster-secret", TestApp.CLUSTER_SECRET, "--jwt-secret", TestApp.SECRET, "--pg-uri", PG,
        "--cluster-partition-group", "node")))
        .isInstanceOfSatisfying(Config.ConfigException.class, e -> assertThat(e.problems())
            .singleElement().asString().startsWith("cluster-group-name").contains("cluster-partition-group=node"));
    Config node = Config.load(Map.of("LEADROUTER_CLUSTER_GROUP_NAME", "worker-7"), List.of("--cluster", "--cluster-secret", TestApp.CLUSTER_SECRET, "--jwt-secret",
        TestApp.SECRET, "--pg-uri", PG, "--cluster-partition-group", "node", "--shutdown-seconds", "40"));
    com.hazelcast.config.Config hz = HazelcastSetup.build(node);
    assertThat(hz.getPartitionGroupConfig().isEnabled()).isTrue();
    assertThat(hz.getPartitionGroupConfig().getGroupType()).isEqualTo(PartitionGroupConfig.MemberGroupType.NODE_AWARE);
    assertThat(hz.getMemberAttributeConfig().getAttribute(PartitionGroupMetaData.PARTITION_GROUP_NODE)).isEqualTo("worker-7");
    // the hand-over gets half of the one shutdown budget
    assertThat(hz.getProperty("hazelcast.graceful.shutdown.max.wait")).isEqualTo("20");
    Config zone = Config.load(Map.of(), List.of("--cluster", "--cluster-secret", TestApp.CLUSTER_SECRET, "--jwt-secret", TestApp.SECRET, "--pg-uri", PG,
        "--cluster-partition-group", "zone", "--cluster-group-name", "eu-west-1b"));
    assertThat(HazelcastSetup.build(zone).getPartitionGroupConfig().getGroupType())
        .isEqualTo(PartitionGroupConfig.MemberGroupType.ZONE_AWARE);
    assertThat(HazelcastSetup.build(Config.load(Map.of(), List.of("--cluster", "--cluster-secret", TestApp.CLUSTER_SECRET, "--jwt-secret", TestApp.SECRET,
        "--pg-uri", PG))).getPartitionGroupConfig().isEnabled()).isFalse();
  }
}
