package io.leadrouter.client;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.util.List;
import java.util.Objects;

/**
 * How this JVM joins the Lead Router cluster: the members' settings ({@code cluster-discovery}: {@code tcp} with
 * {@code cluster-members}, or {@code kubernetes} with {@code k8s-service-dns}; {@code partitions}; the cluster name
 * {@code lead-router}), this JVM's own Hazelcast port ({@code 0}: the first free one from 5701), the host the
 * members reach its event bus on (null: Vert.x's choice) and its port (0: any free one), and, when the members run the event bus over TLS
 * ({@code cluster-tls-*}), this client's PEM certificate and key from the same CA. It always joins as a lite member.
 */
public record ClusterSettings(String clusterName, String discovery, List<String> members, String k8sServiceDns,
    int partitions, int port, String busHost, int busPort, String tlsCert, String tlsKey, String tlsCa) {

  public static final String CLUSTER_NAME = "lead-router";

  public ClusterSettings {
    Objects.requireNonNull(clusterName, "clusterName");
    if (!discovery.equals("tcp") && !discovery.equals("kubernetes")) {
      throw new IllegalArgumentException("discovery: tcp or kubernetes, got " + discovery);
    }
    if (discovery.equals("tcp") && (members == null || members.isEmpty())) {
      throw new IllegalArgumentException("members: the members' host:port list (their cluster-members) is required with tcp");
    }
    if (discovery.equals("kubernetes") && (k8sServiceDns == null || k8sServiceDns.isBlank())) {
      throw new IllegalArgumentException("k8sServiceDns: the members' headless Service is required with kubernetes");
    }
    members = members == null ? List.of() : List.copyOf(members);
    if ((tlsCert == null) != (tlsKey == null) || (tlsCert == null) != (tlsCa == null)) {
      throw new IllegalArgumentException("tls: certificate, key and CA together");
    }
  }

  /** TCP discovery of the members at {@code members} ({@code host:port}), 271 partitions as the members' default. */
  public static ClusterSettings tcp(List<String> members) {
    return new ClusterSettings(CLUSTER_NAME, "tcp", members, null, 271, 0, null, 0, null, null, null);
  }

  /** Kubernetes DNS discovery through the members' headless Service. */
  public static ClusterSettings kubernetes(String serviceDns) {
    return new ClusterSettings(CLUSTER_NAME, "kubernetes", List.of(), serviceDns, 271, 0, null, 0, null, null, null);
  }

  /** The members' {@code partitions} setting: Hazelcast refuses a member that counts differently. */
  public ClusterSettings partitions(int count) {
    return new ClusterSettings(clusterName, discovery, members, k8sServiceDns, count, port, busHost, busPort, tlsCert, tlsKey,
        tlsCa);
  }

  public ClusterSettings port(int hazelcastPort) {
    return new ClusterSettings(clusterName, discovery, members, k8sServiceDns, partitions, hazelcastPort, busHost,
        busPort, tlsCert, tlsKey, tlsCa);
  }

  public ClusterSettings busHost(String host) {
    return new ClusterSettings(clusterName, discovery, members, k8sServiceDns, partitions, port, host, busPort, tlsCert,
        tlsKey, tlsCa);
  }

  /** This client's event-bus port (0: any free one); fix it where a network policy must name it. */
  public ClusterSettings busPort(int eventBusPort) {
    return new ClusterSettings(clusterName, discovery, members, k8sServiceDns, partitions, port, busHost, eventBusPort,
        tlsCert, tlsKey, tlsCa);
  }

  /** The event bus over mutual TLS, as the members' {@code cluster-tls-*}: this client's PEM files and the CA's. */
  public ClusterSettings tls(String certPath, String keyPath, String caPath) {
    return new ClusterSettings(clusterName, discovery, members, k8sServiceDns, partitions, port, busHost, busPort,
        certPath, keyPath, caPath);
  }

  /** Vert.x options of this client: its event-bus host and TLS. */
  VertxOptions vertxOptions() {
    VertxOptions options = new VertxOptions();
    if (busHost != null) {
      options.getEventBusOptions().setHost(busHost);
    }
    if (busPort != 0) {
      options.getEventBusOptions().setPort(busPort);
    }
    if (tlsCert != null) {
      options.getEventBusOptions().setSsl(true)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tlsCert).setKeyPath(tlsKey))
          .setTrustOptions(new PemTrustOptions().addCertPath(tlsCa))
          .setClientAuth(ClientAuth.REQUIRED);
    }
    return options;
  }

  /** The Hazelcast configuration of this client: Vert.x's (the event bus's maps) as a lite member. */
  Config hazelcast() {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(clusterName);
    hz.setLiteMember(true);
    hz.setProperty("hazelcast.partition.count", String.valueOf(partitions));
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(port == 0 ? 5701 : port).setPortAutoIncrement(port == 0);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (discovery.equals("kubernetes")) {
      join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", k8sServiceDns);
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(members);
      hz.setProperty("hazelcast.wait.seconds.before.join", "0");
      if (members.stream().allMatch(ClusterSettings::loopback)) {
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
      }
    }
    return hz;
  }

  private static boolean loopback(String member) {
    String host = member.contains(":") ? member.substring(0, member.lastIndexOf(':')) : member;
    return host.equals("127.0.0.1") || host.equals("localhost");
  }
}
