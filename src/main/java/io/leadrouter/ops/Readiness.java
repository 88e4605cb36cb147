package io.leadrouter.ops;

import io.leadrouter.cluster.ClusterNode;
import io.leadrouter.owner.OwnerStatus;
import io.leadrouter.store.Storage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code /health/ready} of one node. Ready unless an owner's write-behind buffer is full, or, in a cluster,
 * this member is below the quorum (it refuses picks then), or it has not yet seen the cluster safe (every
 * partition replica in sync, no migration in flight) since it started: a new member is not ready until the
 * partitions it takes over have arrived, so a rolling update waits for them before it stops the next member.
 * Once seen safe, a later migration is reported ({@code clusterSafe: false}) but leaves the member ready:
 * after a member crashes every survivor is unsafe until the backups are rebuilt, and all of them leaving the
 * Service at once would refuse every request. Not ready either while a Hazelcast member that is not a Lead
 * Router member owns partitions ({@code checks.cluster.foreignMembers} lists it with them): the rotations of
 * those partitions cannot be picked anywhere, and that is worth a page, not a silent 503 per pick. A store that is down alone keeps the node ready, because
 * picks are still served (and buffered).
 */
public final class Readiness {

  private final Storage store;
  private final List<OwnerStatus> owners;
  private final ClusterNode cluster;
  private final AtomicBoolean becameSafe = new AtomicBoolean();

  /** {@code cluster}: null for a single node. */
  public Readiness(Storage store, List<OwnerStatus> owners, ClusterNode cluster) {
    this.store = store;
    this.owners = owners;
    this.cluster = cluster;
  }

  /** Picks acknowledged but not yet in the store, over all owners. */
  public int backlog() {
    return owners.stream().mapToInt(OwnerStatus::backlog).sum();
  }

  public Future<JsonObject> check() {
    boolean full = owners.stream().anyMatch(OwnerStatus::full);
    JsonObject checks = new JsonObject().put("writeBehindBacklog", backlog()).put("writeBehindFull", full)
        .put("activeRotations", owners.stream().mapToInt(OwnerStatus::activeRotations).sum())
        .put("partitions", owners.stream().mapToInt(OwnerStatus::partitions).sum());
    Future<Boolean> clusterUp = cluster == null ? Future.succeededFuture(true)
        : cluster.health(2_000).map(h -> {
              checks.put("cluster", h);
              return clusterReady(h);
            })
            .recover(e -> {
              checks.put("cluster", new JsonObject().put("error", String.valueOf(e.getMessage())));
              return Future.succeededFuture(cluster.quorumPresent() && becameSafe.get());
            });
    return store.ping().timeout(2, TimeUnit.SECONDS)
        .map(v -> checks.put("store", "UP"))
        .recover(e -> Future.succeededFuture(checks.put("store", "DOWN: " + e.getMessage())))
        .compose(c -> clusterUp)
        .map(up -> new JsonObject().put("status", full || !up ? "DOWN" : "UP").put("checks", checks));
  }

  /** Whether a member with this health serves: quorum present, and the cluster seen safe once since start. */
  boolean clusterReady(JsonObject health) {
    if (Boolean.TRUE.equals(health.getBoolean("clusterSafe"))) {
      becameSafe.set(true);
    }
    health.put("seenSafeSinceStart", becameSafe.get());
    // a foreign member (see ClusterNode#health) holds partitions nobody serves: picks of their rotations fail
    JsonArray foreign = health.getJsonArray("foreignMembers");
    return Boolean.TRUE.equals(health.getBoolean("quorumPresent")) && becameSafe.get()
        && (foreign == null || foreign.isEmpty());
  }
}
