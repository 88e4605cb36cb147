package io.leadrouter;

import io.leadrouter.bus.EventBusApiVerticle;
import io.leadrouter.config.Config;
import io.leadrouter.http.HttpApiVerticle;
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

  private final Vertx vertx;
  private final Store store;
  private final List<String> deployments = new ArrayList<>();
  private final List<HttpApiVerticle> http = new ArrayList<>();
  private final RotationService rotations;
  private final List<OwnerStatus> owners = new ArrayList<>();

  private LeadRouter(Vertx vertx, Store store, RotationService rotations) {
    this.vertx = vertx;
    this.store = store;
    this.rotations = rotations;
  }

  public static Future<LeadRouter> start(Vertx vertx, Config config, Store store, JWTAuthOptions jwt,
      Partitioner partitioner, String node, Metrics metrics) {
    vertx.eventBus().registerCodec(new RotationCodec());
    RotationService service = new RotationService(vertx, partitioner, config.requestTimeoutMs());
    LeadRouter app = new LeadRouter(vertx, store, service);
    Edge edge = new Edge(store, service, metrics, app::readiness);
    OwnerSettings settings = new OwnerSettings(config.owners(), config.writeBufferMax(), config.flushBatch(),
        config.flushIntervalMs(), config.sequenceBlock(), config.idleSeconds() * 1000, node, config.cluster());
    List<Future<String>> owners = new ArrayList<>();
    for (int i = 0; i < config.owners(); i++) {
      OwnerStatus status = new OwnerStatus();
      app.owners.add(status);
      owners.add(vertx.deployVerticle(new PartitionOwnerVerticle(i, partitioner, store, settings, Clock.systemUTC(),
          metrics, status)));
    }
    return Future.all(owners)
        .onSuccess(v -> owners.forEach(f -> app.deployments.add(f.result())))
        .compose(v -> vertx.deployVerticle(new EventBusApiVerticle(jwt, edge)))
        .compose(id -> {
          app.deployments.add(id);
          List<Future<String>> servers = new ArrayList<>();
          for (int i = 0; i < config.httpInstances(); i++) {
            HttpApiVerticle v = new HttpApiVerticle(config.httpHost(), config.httpPort(), jwt, edge);
            app.http.add(v);
            servers.add(vertx.deployVerticle(v));
          }
          return Future.all(servers).onSuccess(all -> servers.forEach(f -> app.deployments.add(f.result())));
        })
        .map(app);
  }

  /**
   * Readiness: the store answers, or it does not but every owner still has room to buffer picks (picks
   * are then served and written when it is back). Not ready once any owner's buffer is full.
   */
  private Future<JsonObject> readiness() {
    int backlog = owners.stream().mapToInt(OwnerStatus::backlog).sum();
    boolean full = owners.stream().anyMatch(OwnerStatus::full);
    JsonObject checks = new JsonObject().put("writeBehindBacklog", backlog).put("writeBehindFull", full)
        .put("activeRotations", owners.stream().mapToInt(OwnerStatus::activeRotations).sum())
        .put("partitions", owners.stream().mapToInt(OwnerStatus::partitions).sum());
    return store.ping().timeout(2, TimeUnit.SECONDS)
        .map(v -> checks.put("store", "UP"))
        .recover(e -> Future.succeededFuture(checks.put("store", "DOWN: " + e.getMessage())))
        .map(c -> new JsonObject().put("status", full ? "DOWN" : "UP").put("checks", c));
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

  /** Stops HTTP and the event-bus API, then the owners (draining write-behind), in that order. */
  public Future<Void> stop() {
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.compose(v -> vertx.undeploy(id));
    }
    // a node started again on the same Vertx registers the codec anew
    return chain.onSuccess(v -> vertx.eventBus().unregisterCodec(RotationCodec.NAME));
  }
}
