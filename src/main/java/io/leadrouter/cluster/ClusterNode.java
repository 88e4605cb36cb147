package io.leadrouter.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.MigrationListener;
import com.hazelcast.partition.MigrationState;
import com.hazelcast.partition.PartitionService;
import com.hazelcast.partition.ReplicaMigrationEvent;
import io.leadrouter.config.Config;
import io.leadrouter.owner.CommandSigner;
import io.leadrouter.owner.OwnerWatch;
import io.leadrouter.owner.Ownership;
import io.leadrouter.owner.Partitioner;
import io.leadrouter.owner.Replica;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.json.JsonObject;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process as a member of a Hazelcast cluster: the clustered Vert.x instance and what the owners need
 * from Hazelcast (which partition a rotation is in, which partitions this member owns, the replica).
 */
public final class ClusterNode {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  /** Where a member announces its graceful leave to the others (the body: its Hazelcast member id). */
  private static final String LEAVING_ADDRESS = "leadrouter.cluster.leaving";
  /** How long the announcement has to reach the others before the partitions start moving. */
  private static final long ANNOUNCE_MS = 100;
  /** Delivery header of the members' signature on what they publish to each other (see {@link CommandSigner}). */
  private static final String SIGNATURE = "leadrouter-signature";

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final Partitioner partitioner;
  private final PartitionWatcher watcher;
  private final HazelcastReplica replica;
  private final int quorum;
  private final int size;
  private final CommandSigner signer;

  private ClusterNode(Vertx vertx, HazelcastInstance hazelcast, Config config) {
    this.signer = CommandSigner.of(config.clusterSecret());
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.quorum = config.clusterQuorum();
    this.size = config.clusterSize();
    this.partitioner = new HazelcastPartitioner(hazelcast.getPartitionService(), config.partitions());
    this.watcher = new PartitionWatcher(hazelcast, config.partitions());
    this.replica = new HazelcastReplica(vertx, hazelcast, partitioner, quorum, config.requestTimeoutMs());
  }

  /**
   * {@code base} with what a member's Vert.x needs from the settings: the event-bus port between members
   * ({@code cluster-bus-port}; 0 keeps Vert.x's choice of a free port), fixed so a network policy can name it,
   * and TLS on the event bus ({@code cluster-tls-*}).
   */
  public static VertxOptions options(VertxOptions base, Config config) {
    if (config.clusterBusPort() != 0) {
      base.getEventBusOptions().setPort(config.clusterBusPort());
    }
    if (config.clusterTlsCert() != null) {
      // mutual TLS: every peer (member or client) presents a certificate of the cluster's CA
      base.getEventBusOptions().setSsl(true)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(config.clusterTlsCert().toString())
              .setKeyPath(config.clusterTlsKey().toString()))
          .setTrustOptions(new PemTrustOptions().addCertPath(config.clusterTlsCa().toString()))
          .setClientAuth(ClientAuth.REQUIRED);
    }
    return base;
  }

  /** Joins the cluster and builds the clustered Vert.x instance from {@code builder} (see {@link #options}). */
  public static Future<ClusterNode> start(VertxBuilder builder, Config config) {
    HazelcastClusterManager manager = new HazelcastClusterManager(HazelcastSetup.build(config));
    return builder.withClusterManager(manager).buildClustered().compose(vertx -> {
      ClusterNode node = new ClusterNode(vertx, manager.getHazelcastInstance(), config);
      vertx.eventBus().<String>consumer(LEAVING_ADDRESS, m -> {
        // only a member may say it leaves: the replica then trusts writes that lost that member's copy
        String refused = node.signer.verify(m.body().getBytes(StandardCharsets.UTF_8), m.headers().get(SIGNATURE));
        if (refused != null) {
          LOG.warn("cluster: ignored a leave announcement not from a member ({})", refused);
          return;
        }
        node.replica.leavingGracefully(java.util.UUID.fromString(m.body()));
      });
      // reading the partition table the first time may wait for the master to assign partitions
      return vertx.executeBlocking(() -> {
        node.watcher.start(manager);
        LOG.info("cluster: joined '{}' as {} with {} members; this member owns {} of {} partitions",
            HazelcastSetup.CLUSTER_NAME, hazelcastAddress(node), node.dataMembers(),
            node.watcher.ownedCount(), config.partitions());
        return node;
      }).onFailure(e -> vertx.close());
    });
  }

  private static String hazelcastAddress(ClusterNode node) {
    return node.hazelcast.getCluster().getLocalMember().getAddress().toString();
  }

  HazelcastInstance hazelcast() {
    return hazelcast;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Partitioner partitioner() {
    return partitioner;
  }

  public Ownership ownership() {
    return watcher;
  }

  /** Which member owns each partition, and which members left: for failing over at once. */
  public OwnerWatch owners() {
    return watcher.members();
  }

  public Replica replica() {
    return replica;
  }

  /** Whether this member sees at least the quorum (else it refuses picks). */
  public boolean quorumPresent() {
    return quorum < 2 || hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(HazelcastReplica.QUORUM).hasMinimumSize();
  }

  /**
   * Readiness of this member: joined, on the majority side, and whether the partition replicas are in sync
   * (no migration running, every backup up to date). Not ready below the quorum: such a member refuses picks.
   * {@code members} counts the members that hold data (as the quorum does), {@code liteMembers} the clients;
   * {@code foreignMembers}: members owning partitions that are not Lead Router members, with those partitions.
   * Asking the other members about safety blocks, so it runs on a worker, bounded by {@code timeoutMs}.
   */
  public Future<JsonObject> health(long timeoutMs) {
    return vertx.executeBlocking(() -> {
      PartitionService partitions = hazelcast.getPartitionService();
      boolean running = hazelcast.getLifecycleService().isRunning();
      JsonObject c = new JsonObject()
          .put("members", running ? dataMembers() : 0)
          .put("liteMembers", running ? hazelcast.getCluster().getMembers().size() - dataMembers() : 0)
          .put("quorum", quorum)
          .put("quorumPresent", running && quorumPresent())
          .put("partitionsOwned", watcher.ownedCount())
          .put("localMemberSafe", running && partitions.isLocalMemberSafe());
      // members that own partitions without being Lead Router members: their rotations cannot be picked
      c.put("foreignMembers", watcher.foreign().json());
      return c.put("clusterSafe", running && partitions.isClusterSafe());
    }, false).timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /**
   * Leaves the cluster gracefully while this member's owners still serve: Hazelcast first migrates every
   * partition this member owns, with its replica entries, to the other members, one by one; as each one
   * moves, the owners here let go of it and the requests for it follow to its new owner, so a member on its
   * way out refuses nothing. Completes once this member has left (at most Hazelcast's graceful-shutdown wait).
   */
  public Future<Void> handOver() {
    // the others learn first that this member leaves on purpose: a write they make while it leaves is
    // still confirmed (see HazelcastReplica), since it takes no replica along
    try {
      String me = hazelcast.getCluster().getLocalMember().getUuid().toString();
      vertx.eventBus().publish(LEAVING_ADDRESS, me,
          new DeliveryOptions().addHeader(SIGNATURE, signer.signature(me.getBytes(StandardCharsets.UTF_8))));
    } catch (RuntimeException e) { // this member is no longer in a cluster: nothing to hand over
      LOG.warn("cluster: no partitions to hand over, the cluster is gone ({})", e.toString());
      return Future.succeededFuture();
    }
    return vertx.timer(ANNOUNCE_MS).compose(t -> vertx.executeBlocking(() -> {
      long start = System.nanoTime();
      int owned = watcher.ownedCount();
      hazelcast.getLifecycleService().shutdown();
      LOG.info("cluster: handed {} partitions over to the other members in {} ms and left", owned,
          (System.nanoTime() - start) / 1_000_000);
      return null;
    }, false));
  }

  /**
   * Cluster gauges: members seen, quorum present (1/0), partitions owned, and migrations (Hazelcast reports
   * them on the master member only: elsewhere both stay 0, so dashboards take the maximum over members).
   */
  public void registerMetrics(MeterRegistry registry) {
    AtomicInteger remaining = new AtomicInteger();
    Counter migrated = Counter.builder("leadrouter.cluster.migrations").description("partition replicas migrated")
        .register(registry);
    Counter failed = Counter.builder("leadrouter.cluster.migrations.failed").description("partition replica migrations that failed")
        .register(registry);
    hazelcast.getPartitionService().addMigrationListener(new MigrationListener() {
      @Override
      public void migrationStarted(MigrationState state) {
        remaining.set(state.getRemainingMigrations());
      }

      @Override
      public void migrationFinished(MigrationState state) {
        remaining.set(0);
      }

      @Override
      public void replicaMigrationCompleted(ReplicaMigrationEvent event) {
        remaining.set(event.getMigrationState().getRemainingMigrations());
        migrated.increment();
      }

      @Override
      public void replicaMigrationFailed(ReplicaMigrationEvent event) {
        remaining.set(event.getMigrationState().getRemainingMigrations());
        failed.increment();
      }
    });
    Gauge.builder("leadrouter.cluster.migrations.remaining", remaining, AtomicInteger::get)
        .description("partition migrations planned and not yet done (master member only)").register(registry);
    Gauge.builder("leadrouter.cluster.members", this, n -> n.running() ? n.dataMembers() : 0)
        .description("cluster members holding data that this member sees (clients, lite members, not counted)").register(registry);
    Gauge.builder("leadrouter.cluster.quorum.present", this, n -> n.running() && n.quorumPresent() ? 1 : 0)
        .description("1 while this member sees at least cluster-quorum members (else it refuses picks)").register(registry);
    Gauge.builder("leadrouter.cluster.quorum.size", this, n -> n.quorum)
        .description("the configured cluster-quorum").register(registry);
    Gauge.builder("leadrouter.cluster.size", this, n -> n.size)
        .description("the configured cluster-size (0: not fixed)").register(registry);
    Gauge.builder("leadrouter.cluster.partitions.owned", watcher, PartitionWatcher::ownedCount)
        .description("partitions whose primary is this member").register(registry);
  }

  /**
   * Members that hold data (not lite members: the clients of the cluster), as the quorum counts them; a client
   * joining must not hide a member missing from the alerts.
   */
  private int dataMembers() {
    int n = 0;
    for (com.hazelcast.cluster.Member m : hazelcast.getCluster().getMembers()) {
      n += m.isLiteMember() ? 0 : 1;
    }
    return n;
  }

  private boolean running() {
    return hazelcast.getLifecycleService().isRunning();
  }

  /** Stops following the partition table; leaving the cluster happens when Vert.x closes (or {@link #handOver}). */
  public void close() {
    watcher.close();
  }
}
