package io.leadrouter.cluster;

import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.PartitionGroupConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import com.hazelcast.spi.partitiongroup.PartitionGroupMetaData;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import io.leadrouter.config.Config;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.util.List;

/**
 * The Hazelcast configuration of a member, built in code from the service's settings on top of Vert.x's
 * default cluster configuration (which declares the maps the clustered event bus uses).
 */
final class HazelcastSetup {

  static final String CLUSTER_NAME = "lead-router";
  /** Member attribute: how many owner verticles the member runs (owner {@code p % owners} serves {@code p}). */
  static final String OWNERS_ATTRIBUTE = "leadrouter.owners";
  /**
   * Member attribute marking a Lead Router member: a full member without it (a service that joined with the
   * members' settings instead of as a lite member) owns partitions it cannot serve (see {@link ForeignMembers}).
   */
  static final String MEMBER_ATTRIBUTE = "leadrouter.member";
  /** The maps Vert.x's cluster manager declares in its default configuration. */
  static final String VERTX_PREFIX = "__vertx.";

  private HazelcastSetup() {}

  static com.hazelcast.config.Config build(Config settings) {
    com.hazelcast.config.Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(CLUSTER_NAME);
    // every member must agree: rotation id → partition is the same everywhere
    hz.setProperty("hazelcast.partition.count", String.valueOf(settings.partitions()));
    hz.getMemberAttributeConfig().setAttribute(OWNERS_ATTRIBUTE, String.valueOf(settings.owners()));
    hz.getMemberAttributeConfig().setAttribute(MEMBER_ATTRIBUTE, "true");
    // a write whose backup did not confirm in time fails instead of succeeding silently: a pick is
    // acknowledged only when a second member holds it
    hz.setProperty("hazelcast.operation.fail.on.indeterminate.state", "true");
    vertxMapsBackUpAsynchronously(hz);
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    // part of the one shutdown budget (shutdown-seconds): the rest drains write-behind
    hz.setProperty("hazelcast.graceful.shutdown.max.wait", String.valueOf(settings.handOverSeconds()));
    // sides of a healed split merge within seconds, not the default minutes
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.prefer.ipv4.stack", "true");

    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(settings.clusterPort()).setPortAutoIncrement(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (settings.clusterDiscovery().equals("kubernetes")) {
      join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", settings.k8sServiceDns());
    } else {
      List<String> members = settings.clusterMemberList();
      join.getTcpIpConfig().setEnabled(true).setMembers(members);
      // members found by address need no wait for others to appear before this one starts a cluster
      hz.setProperty("hazelcast.wait.seconds.before.join", "0");
      if (!members.isEmpty() && members.stream().allMatch(HazelcastSetup::loopback)) {
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
      }
    }

    partitionGroup(hz, settings);

    MapConfig replica = new MapConfig(HazelcastReplica.MAP)
        .setBackupCount(1)
        .setAsyncBackupCount(0)
        // entry processors change the entry in place: no (de)serialization of the pending log per pick
        .setInMemoryFormat(InMemoryFormat.OBJECT)
        .setStatisticsEnabled(false);
    if (settings.clusterQuorum() > 1) { // a quorum of one protects nothing (and Hazelcast wants at least two)
      hz.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(HazelcastReplica.QUORUM, true,
          settings.clusterQuorum()).setProtectOn(SplitBrainProtectionOn.READ_WRITE));
      replica.setSplitBrainProtectionName(HazelcastReplica.QUORUM);
    }
    // after a split heals the minority's copy is dropped: it refused every write meanwhile (quorum), and
    // keeping entries the majority has since forgotten would bring back stale sequences
    replica.getMergePolicyConfig().setPolicy(DiscardMergePolicy.class.getName());
    hz.addMapConfig(replica);
    hz.getSerializationConfig().addDataSerializableFactory(ReplicaSerialization.FACTORY_ID, new ReplicaSerialization());
    return hz;
  }

  /**
   * Vert.x's own maps (event-bus subscriptions, node infos) take their backup asynchronously. The property
   * above is global: with it, a write to a map with a synchronous backup fails when the backup's
   * acknowledgement does not come within {@code hazelcast.operation.backup.timeout.millis}. That happens with
   * no member lost: while the partition table changes (a member joins or leaves), a backup that reaches a
   * member whose table says otherwise is dropped unacknowledged; and a backup member that stalls for a few
   * seconds (a loaded machine, a long GC) acknowledges too late. Vert.x's writes then failed a
   * member's join ({@code __vertx.nodeInfo}) or an event-bus consumer's registration ({@code __vertx.subs}).
   * Nothing there needs a confirmed second copy: Vert.x writes its own entries again when a member leaves,
   * and Hazelcast's anti-entropy repairs a backup that missed a write.
   */
  private static void vertxMapsBackUpAsynchronously(com.hazelcast.config.Config hz) {
    hz.getMapConfigs().values().stream().filter(m -> m.getName().startsWith(VERTX_PREFIX))
        .forEach(m -> m.setAsyncBackupCount(m.getBackupCount() + m.getAsyncBackupCount()).setBackupCount(0));
    hz.getMultiMapConfigs().values().stream().filter(m -> m.getName().startsWith(VERTX_PREFIX))
        .forEach(m -> m.setAsyncBackupCount(m.getBackupCount() + m.getAsyncBackupCount()).setBackupCount(0));
  }

  /**
   * Where backups go: with {@code node} or {@code zone}, Hazelcast never puts a partition's backup on a member
   * with the same group name as its primary, so losing a node (or a zone) never loses both copies. The name
   * is this member's attribute, which is what Hazelcast's NODE_AWARE / ZONE_AWARE groups read.
   */
  private static void partitionGroup(com.hazelcast.config.Config hz, Config settings) {
    PartitionGroupConfig group = hz.getPartitionGroupConfig();
    switch (settings.clusterPartitionGroup()) {
      case "node" -> {
        hz.getMemberAttributeConfig().setAttribute(PartitionGroupMetaData.PARTITION_GROUP_NODE, settings.clusterGroupName());
        group.setEnabled(true).setGroupType(PartitionGroupConfig.MemberGroupType.NODE_AWARE);
      }
      case "zone" -> {
        hz.getMemberAttributeConfig().setAttribute(PartitionGroupMetaData.PARTITION_GROUP_ZONE, settings.clusterGroupName());
        group.setEnabled(true).setGroupType(PartitionGroupConfig.MemberGroupType.ZONE_AWARE);
      }
      default -> group.setEnabled(false);
    }
  }

  private static boolean loopback(String member) {
    String host = member.contains(":") ? member.substring(0, member.lastIndexOf(':')) : member;
    return host.equals("127.0.0.1") || host.equals("localhost");
  }
}
