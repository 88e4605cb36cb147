package io.leadrouter.config;

import java.util.List;

/** What a cluster member's settings must agree on beyond each value being valid on its own. */
final class ClusterChecks {

  private ClusterChecks() {}

  static void problems(Config c, Parser p, List<String> problems) {
    if (c.store().equals("memory")) {
      problems.add(p.where("store") + ": memory cannot be shared by cluster members; use postgres with pg-uri");
    } else if (c.pgUri() == null) {
      problems.add(p.where("pg-uri") + ": a cluster needs the Postgres all members share (the embedded one is per process)");
    }
    if (c.devMode()) {
      problems.add("cluster: dev mode (a generated secret per member) cannot serve a cluster; set jwt-secret"
          + " (LEADROUTER_JWT_SECRET) or jwt-public-keys (LEADROUTER_JWT_PUBLIC_KEYS), the same on every member");
    }
    if (c.clusterSecret() == null) {
      problems.add(p.where("cluster-secret") + ": required with cluster: members sign the commands they send each other"
          + " with it, so that a client that joins the cluster cannot send them (the same on every member; never"
          + " give it to clients)");
    }
    long tls = java.util.stream.Stream.of(c.clusterTlsCert(), c.clusterTlsKey(), c.clusterTlsCa())
        .filter(java.util.Objects::nonNull).count();
    if (tls != 0 && tls != 3) {
      problems.add(p.where("cluster-tls-cert") + ": event-bus TLS needs cluster-tls-cert, cluster-tls-key and"
          + " cluster-tls-ca together");
    }
    if (c.clusterDiscovery().equals("kubernetes") && (c.k8sServiceDns() == null || c.k8sServiceDns().isBlank())) {
      problems.add(p.where("k8s-service-dns") + ": needed with cluster-discovery=kubernetes");
    }
    for (String member : c.clusterMemberList()) {
      if (!validMember(member)) {
        problems.add(p.where("cluster-members") + ": '" + member + "' is not host or host:port");
      }
    }
    // a quorum of half or less lets both sides of a split keep handing out picks
    if (c.clusterSize() > 0 && (c.clusterQuorum() * 2 <= c.clusterSize() || c.clusterQuorum() > c.clusterSize())) {
      problems.add(p.where("cluster-quorum") + ": " + c.clusterQuorum() + " is not a majority of cluster-size "
          + c.clusterSize() + " (use " + (c.clusterSize() / 2 + 1) + ")");
    }
    if (!c.clusterPartitionGroup().equals("member") && (c.clusterGroupName() == null || c.clusterGroupName().isBlank())) {
      problems.add(p.where("cluster-group-name") + ": needed with cluster-partition-group=" + c.clusterPartitionGroup());
    }
    if (c.clusterBusPort() != 0 && c.clusterBusPort() == c.clusterPort()) {
      problems.add(p.where("cluster-bus-port") + ": must differ from cluster-port " + c.clusterPort());
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
}
