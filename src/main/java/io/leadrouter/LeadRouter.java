package io.leadrouter;

import io.leadrouter.bus.EventBusApiVerticle;
import io.leadrouter.cluster.ClusterNode;
import io.leadrouter.config.Config;
import io.leadrouter.directory.LiveDirectory;
import io.leadrouter.edge.Edge;
import io.leadrouter.http.HttpApiVerticle;
import io.leadrouter.http.HttpLimits;
import io.leadrouter.ops.ManagementVerticle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.leadrouter.owner.LocalOwners;
import io.leadrouter.owner.OwnerSettings;
import io.leadrouter.owner.PartitionOwnerVerticle;
import io.leadrouter.owner.Partitioner;
import io.leadrouter.owner.CommandSigner;
import io.leadrouter.owner.RotationCodec;
import io.leadrouter.owner.RotationService;
import io.leadrouter.store.Storage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.leadrouter.ops.Metrics;
import io.leadrouter.ops.Readiness;
import io.leadrouter.ops.RetentionVerticle;
import io.leadrouter.owner.OwnerStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires one node: the partition owners first (so no request finds its partition unserved), then the
 * event-bus API, then HTTP. Undeploying in reverse (Vert.x does it on close) stops HTTP before the owners,
 * whose stop drains the write-behind.
 */
public final class LeadRouter {

  private static final Logger LOG = LoggerFactory.getLogger(LeadRouter.class);
  /**
   * After leaving the cluster, how long this member's event bus still answers: a member that had not yet
   * learnt of the departure gets "moved" (and resends to the new owner) rather than silence (and a timeout).
   */
  private static final long LEAVE_GRACE_MS = 1_000;

  private final Vertx vertx;
  private final Stores stores;
  private final List<String> deployments = new ArrayList<>();
  private final List<HttpApiVerticle> http = new ArrayList<>();
  private ManagementVerticle management;
  private final RotationService rotations;
  private final List<OwnerStatus> owners = new ArrayList<>();
  private final ClusterNode cluster;
  private final Readiness readiness;
  private final LiveDirectory people;

  private LeadRouter(Vertx vertx, Stores stores, RotationService rotations, ClusterNode cluster,
      LiveDirectory people) {
    this.vertx = vertx;
    this.people = people;
    this.stores = stores;
    this.rotations = rotations;
    this.cluster = cluster;
    this.readiness = new Readiness(stores.storage(), owners, cluster);
  }

  /** A single node: hosts every partition, acknowledges picks from memory. */
  public static Future<LeadRouter> start(Vertx vertx, Config config, Stores stores, JWTAuthOptions jwt,
      Partitioner partitioner, String node, Metrics metrics) {
    return start(vertx, config, stores, jwt, partitioner, node, metrics, Clock.systemUTC());
  }

  /** A single node whose owners tell the time by {@code clock} (availability, working hours, cap periods). */
  public static Future<LeadRouter> start(Vertx vertx, Config config, Stores stores, JWTAuthOptions jwt,
      Partitioner partitioner, String node, Metrics metrics, Clock clock) {
    return start(vertx, config, stores, jwt, partitioner, node, metrics, null, clock);
  }

  /** A cluster member: hosts the partitions it owns, acknowledges picks once the replica has them. */
  public static Future<LeadRouter> start(ClusterNode cluster, Config config, Stores stores, JWTAuthOptions jwt,
      String node, Metrics metrics) {
    return start(cluster.vertx(), config, stores, jwt, cluster.partitioner(), node, metrics, cluster,
        Clock.systemUTC());
  }

  private static Future<LeadRouter> start(Vertx vertx, Config config, Stores stores, JWTAuthOptions jwt,
      Partitioner partitioner, String node, Metrics metrics, ClusterNode cluster, Clock clock) {
    // a member signs the commands it sends other members and takes only signed ones (the trust boundary)
    vertx.eventBus().registerCodec(cluster == null ? new RotationCodec()
        : new RotationCodec(CommandSigner.of(config.clusterSecret())));
    // a single node hands commands to its owners directly, unless tracing follows them over the event bus
    LocalOwners local = cluster == null && ((VertxInternal) vertx).tracer() == null
        ? new LocalOwners(partitioner.partitionCount()) : null;
    RotationService service = cluster == null
        ? new RotationService(vertx, partitioner, config.requestTimeoutMs(), local)
        : new RotationService(vertx, partitioner, config.requestTimeoutMs(), cluster.owners());
    Storage storage = stores.storage();
    // the directory as this node's owners see it; the edges write users through it so that it sees every change
    LiveDirectory people = new LiveDirectory(vertx, storage.directory());
    LeadRouter app = new LeadRouter(vertx, stores, service, cluster, people);
    Duration keyRetention = Duration.ofHours(config.idempotencyRetentionHours());
    Edge edge = new Edge(storage.rotations(), people.directory(), storage.assignmentLog(), stores.leads(), service,
        metrics, app.readiness::check, node, keyRetention, clock);
    metrics.buildInfo(Version.VERSION);
    metrics.writeBufferCapacity(config.writeBufferMax());
    if (cluster != null) {
      cluster.registerMetrics(metrics.registry());
    }
    OwnerSettings settings = new OwnerSettings(config.owners(), config.writeBufferMax(), config.flushBatch(),
        config.flushIntervalMs(), config.sequenceBlock(), config.idleSeconds() * 1000, node, config.cluster())
        .withAckOnCommit(config.ack().equals("commit"));
    List<Future<String>> owners = new ArrayList<>();
    // the owners see the directory through this node's LiveDirectory
    OwnerSettings owned = settings.withPeople(people);
    for (int i = 0; i < config.owners(); i++) {
      OwnerStatus status = new OwnerStatus();
      app.owners.add(status);
      owners.add(vertx.deployVerticle(cluster == null
          ? new PartitionOwnerVerticle(i, partitioner, storage.rotations(), owned, clock, metrics, status, local)
          : new PartitionOwnerVerticle(i, partitioner, storage.rotations(), owned, clock, metrics, status,
              cluster.ownership(), cluster.replica())));
    }
    return people.start().compose(v -> Future.all(owners))
        .onSuccess(v -> owners.forEach(f -> app.deployments.add(f.result())))
        // before HTTP serves: the keys this node's previous process claimed and never finished (it crashed)
        // are free for the first retry to take over, instead of waiting for their leases to run out
        .compose(v -> stores.leads().abandonClaims(node).onSuccess(n -> {
          if (n > 0) {
            LOG.warn("idempotency: {} requests of a previous process of node {} were unfinished; a retry with "
                + "the same key runs them", n, node);
          }
        }).<Void>mapEmpty().recover(e -> {
          LOG.warn("idempotency: could not free the unfinished keys of node {} ({}); a retry takes each over once its lease runs out",
              node, e.getMessage());
          return Future.succeededFuture();
        }))
        .compose(v -> vertx.deployVerticle(new EventBusApiVerticle(jwt, edge)))
        .compose(id -> {
          app.deployments.add(id);
          List<Future<String>> servers = new ArrayList<>();
          HttpLimits limits = HttpLimits.of(config); // one body budget for the whole node
          for (int i = 0; i < config.httpInstances(); i++) {
            HttpApiVerticle v = new HttpApiVerticle(config.httpHost(), config.httpPort(), jwt, edge, limits,
                config.accessLog(), config.managementPort() == 0, config.devMode());
            app.http.add(v);
            servers.add(vertx.deployVerticle(v));
          }
          return Future.all(servers).onSuccess(all -> servers.forEach(f -> app.deployments.add(f.result())));
        })
        .compose(v -> config.managementPort() == 0 ? Future.succeededFuture()
            : vertx.deployVerticle(app.management = new ManagementVerticle(config.httpHost(), config.managementPort(),
                metrics.registry() instanceof PrometheusMeterRegistry p ? p : null, app.readiness::check))
            .onSuccess(app.deployments::add))
        .compose(v -> vertx.deployVerticle(new RetentionVerticle(storage.assignmentLog(), stores.leads(),
            clock, keyRetention, Duration.ofDays(config.historyRetentionDays()),
            Duration.ofSeconds(config.purgeIntervalSeconds()))))
        .onSuccess(app.deployments::add)
        .map(app);
  }

  /** Picks acknowledged but not yet in the store (what a stop that ran out of time leaves unflushed). */
  public int unflushed() {
    return readiness.backlog();
  }

  /** Rotations in memory over all owners. */
  public int activeRotations() {
    return owners.stream().mapToInt(OwnerStatus::activeRotations).sum();
  }

  /** Undeploys in reverse order; one verticle failing to stop does not keep the others from stopping. */
  private Future<Void> undeploy(List<String> ids, List<Throwable> failures) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = ids.size() - 1; i >= 0; i--) {
      String id = ids.get(i);
      chain = chain.compose(v -> vertx.undeploy(id).recover(e -> {
        failures.add(e);
        return Future.succeededFuture();
      }));
    }
    return chain;
  }

  public int httpPort() {
    return http.get(0).actualPort();
  }

  /** The management port ({@code management-port}), or 0 when metrics and probes share the API's port. */
  public int managementPort() {
    return management == null ? 0 : management.actualPort();
  }

  /** The operations the HTTP API serves ({@link HttpApiVerticle#routes()}). */
  public java.util.SortedSet<String> httpRoutes() {
    return http.get(0).routes();
  }

  public RotationService rotations() {
    return rotations;
  }

  /** The directory as this node's owners see it. */
  public LiveDirectory people() {
    return people;
  }

  public Stores stores() {
    return stores;
  }

  /**
   * Stops HTTP and the event-bus API, then the owners (draining write-behind), in that order. A cluster
   * member hands its partitions over to the other members and leaves the cluster between the two, while its
   * owners still serve whatever is routed to them, so that requests follow each partition to its new owner
   * instead of finding it unserved.
   */
  public Future<Void> stop() {
    List<Throwable> failures = new ArrayList<>();
    Future<Void> chain = undeploy(deployments.subList(owners.size(), deployments.size()), failures)
        // no more user edits come through this node; its listener goes while the cluster is still there (the
        // owners keep the view they have until they stop)
        // (it cannot fail for a reason that matters: a node whose cluster connection is gone has no listener left)
        .compose(v -> people.stop().recover(e -> {
          LOG.debug("directory listener not unregistered: {}", e.toString());
          return Future.succeededFuture();
        }));
    if (cluster != null) {
      chain = chain.compose(v -> cluster.handOver().recover(e -> {
        LOG.warn("cluster: handing partitions over failed ({}); leaving as they are", e.toString());
        return Future.succeededFuture();
      })).compose(v -> vertx.timer(LEAVE_GRACE_MS)).mapEmpty();
    }
    chain = chain.compose(v -> undeploy(deployments.subList(0, owners.size()), failures))
        .compose(v -> failures.isEmpty() ? Future.succeededFuture() : Future.failedFuture(failures.get(0)));
    if (cluster != null) {
      chain = chain.onComplete(v -> cluster.close());
    }
    // a node started again on the same Vertx registers the codec anew
    return chain.onSuccess(v -> vertx.eventBus().unregisterCodec(RotationCodec.NAME));
  }
}
