package io.leadrouter;

import io.leadrouter.bus.EventBusApiVerticle;
import io.leadrouter.cluster.ClusterNode;
import io.leadrouter.config.Config;
import io.leadrouter.http.HttpApiVerticle;
import io.leadrouter.http.HttpLimits;
import io.leadrouter.owner.OwnerSettings;
import io.leadrouter.owner.PartitionOwnerVerticle;
import io.leadrouter.owner.Partitioner;
import io.leadrouter.owner.RotationCodec;
import io.leadrouter.owner.RotationService;
import io.leadrouter.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.leadrouter.http.Edge;
import io.leadrouter.ops.Metrics;
import io.leadrouter.owner.OwnerStatus;
import java.util.concurrent.TimeUnit;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Wires one node: the partition owners first (so no request finds its partition unserved), then the
 * event-bus API, then HTTP. Undeploying in reverse (Vert.x does it on close) stops HTTP before the owners,
 * whose stop drains the write-behind.
 */
public final class LeadRouter {

  private static final long UNREGISTER_GRACE_MS = 1_000;

  private final Vertx vertx;
  private final Store store;
  private final List<String> deployments = new ArrayList<>();
  private final List<HttpApiVerticle> http = new ArrayList<>();
  private final RotationService rotations;
  private final List<OwnerStatus> owners = new ArrayList<>();
  private final ClusterNode cluster;

  private LeadRouter(Vertx vertx, Store store, RotationService rotations, ClusterNode cluster) {
    this.vertx = vertx;
    this.store = store;
    this.rotations = rotations;
    this.cluster = cluster;
  }

  /** A single node: hosts every partition, acknowledges picks from memory. */
  public static Future<LeadRouter> start(Vertx vertx, Config config, Store store, JWTAuthOptions jwt,
      Partitioner partitioner, String node, Metrics metrics) {
    return start(vertx, config, store, jwt, partitioner, node, metrics, null);
  }

  /** A cluster member: hosts the partitions it owns, acknowledges picks once the replica has them. */
  public static Future<LeadRouter> start(ClusterNode cluster, Config config, Store store, JWTAuthOptions jwt,
      String node, Metrics metrics) {
    return start(cluster.vertx(), config, store, jwt, cluster.partitioner(), node, metrics, cluster);
  }

  private static Future<LeadRouter> start(Vertx vertx, Config config, Store store, JWTAuthOptions jwt,
      Partitioner partitioner, String node, Metrics metrics, ClusterNode cluster) {
    vertx.eventBus().registerCodec(new RotationCodec());
    RotationService service = new RotationService(vertx, partitioner, config.requestTimeoutMs(), cluster != null);
    LeadRouter app = new LeadRouter(vertx, store, service, cluster);
    Edge edge = new Edge(store, service, metrics, app::readiness);
    OwnerSettings settings = new OwnerSettings(config.owners(), config.writeBufferMax(), config.flushBatch(),
        config.flushIntervalMs(), config.sequenceBlock(), config.idleSeconds() * 1000, node, config.cluster());
    List<Future<String>> owners = new ArrayList<>();
    for (int i = 0; i < config.owners(); i++) {
      OwnerStatus status = new OwnerStatus();
      app.owners.add(status);
      owners.add(vertx.deployVerticle(cluster == null
          ? new PartitionOwnerVerticle(i, partitioner, store, settings, Clock.systemUTC(), metrics, status)
          : new PartitionOwnerVerticle(i, partitioner, store, settings, Clock.systemUTC(), metrics, status,
              cluster.ownership(), cluster.replica())));
    }
    return Future.all(owners)
        .onSuccess(v -> owners.forEach(f -> app.deployments.add(f.result())))
        .compose(v -> vertx.deployVerticle(new EventBusApiVerticle(jwt, edge)))
        .compose(id -> {
          app.deployments.add(id);
          List<Future<String>> servers = new ArrayList<>();
          HttpLimits limits = HttpLimits.of(config); // one body budget for the whole node
          for (int i = 0; i < config.httpInstances(); i++) {
            HttpApiVerticle v = new HttpApiVerticle(config.httpHost(), config.httpPort(), jwt, edge, limits);
            app.http.add(v);
            servers.add(vertx.deployVerticle(v));
          }
          return Future.all(servers).onSuccess(all -> servers.forEach(f -> app.deployments.add(f.result())));
        })
        .map(app);
  }

  /**
   * Readiness: the store answers, or it does not but every owner still has room to buffer picks (picks
   * are then served and written when it is back). Not ready once any owner's buffer is full. In a cluster,
   * also not ready while this member sees fewer members than the quorum (it refuses picks then); whether
   * every partition replica is in sync ({@code clusterSafe}, {@code localMemberSafe}) is reported, and is
   * false while partitions migrate, which does not stop this member from serving.
   */
  private Future<JsonObject> readiness() {
    int backlog = owners.stream().mapToInt(OwnerStatus::backlog).sum();
    boolean full = owners.stream().anyMatch(OwnerStatus::full);
    JsonObject checks = new JsonObject().put("writeBehindBacklog", backlog).put("writeBehindFull", full)
        .put("activeRotations", owners.stream().mapToInt(OwnerStatus::activeRotations).sum())
        .put("partitions", owners.stream().mapToInt(OwnerStatus::partitions).sum());
    Future<Boolean> clusterUp = cluster == null ? Future.succeededFuture(true)
        : cluster.health(2_000).map(h -> {
              checks.put("cluster", h);
              return h.getBoolean("quorumPresent");
            })
            .recover(e -> {
              checks.put("cluster", new JsonObject().put("error", String.valueOf(e.getMessage())));
              return Future.succeededFuture(cluster.quorumPresent());
            });
    return store.ping().timeout(2, TimeUnit.SECONDS)
        .map(v -> checks.put("store", "UP"))
        .recover(e -> Future.succeededFuture(checks.put("store", "DOWN: " + e.getMessage())))
        .compose(c -> clusterUp)
        .map(up -> new JsonObject().put("status", full || !up ? "DOWN" : "UP").put("checks", checks));
  }

  public int httpPort() {
    return http.get(0).actualPort();
  }

  public RotationService rotations() {
    return rotations;
  }

  public Store store() {
    return store;
  }

  /**
   * Stops HTTP and the event-bus API, then the owners (draining write-behind), in that order. A cluster
   * member keeps its partitions until its Vert.x closes and leaves the cluster, after this.
   */
  public Future<Void> stop() {
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.compose(v -> vertx.undeploy(id));
    }
    if (cluster != null) {
      // members still routing here learn of the unregistered partitions within milliseconds; until Vert.x
      // closes they get "no handler" (and resend to the next owner) rather than silence (and a timeout)
      chain = chain.compose(v -> vertx.timer(UNREGISTER_GRACE_MS)).<Void>mapEmpty().onComplete(v -> cluster.close());
    }
    // a node started again on the same Vertx registers the codec anew
    return chain.onSuccess(v -> vertx.eventBus().unregisterCodec(RotationCodec.NAME));
  }
}
