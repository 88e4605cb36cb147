package io.leadrouter.client;

import com.hazelcast.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.UUID;

/**
 * The event-bus transport: a clustered Vert.x of its own whose Hazelcast member is a lite member (it holds no
 * partitions, so it never stands between a rotation and its owner), calling the members' {@code leadrouter.api.*}
 * addresses, where the JWT and account rules apply. The event bus spreads the calls over the members.
 */
final class EventBusLeadRouterClient implements LeadRouterClient {

  static final String NEXT_USER = "leadrouter.api.next-user";
  static final String NEXT_USERS = "leadrouter.api.next-users";
  static final String GET_ROTATION = "leadrouter.api.get-rotation";
  static final String CREATE_LEAD = "leadrouter.api.create-lead";

  private final Vertx vertx;
  private final ClientOptions options;
  private final Retry retry;

  private EventBusLeadRouterClient(Vertx vertx, ClientOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.retry = new Retry(vertx, options);
  }

  static Future<EventBusLeadRouterClient> join(ClusterSettings cluster, ClientOptions options) {
    return join(cluster.hazelcast(), cluster.vertxOptions(), options);
  }

  /**
   * Joins with {@code hazelcast}, which must make this JVM a lite member: a full member would be given
   * partitions whose rotations nobody could then pick (the members warn about it and report not ready).
   */
  static Future<EventBusLeadRouterClient> join(Config hazelcast, VertxOptions vertxOptions, ClientOptions options) {
    if (!hazelcast.isLiteMember()) {
      return Future.failedFuture(new IllegalStateException("lead-router-client: refusing to join the cluster '"
          + hazelcast.getClusterName() + "' as a full Hazelcast member; a client must join as a lite member "
          + "(Config.setLiteMember(true)), else it is given partitions whose rotations nobody can pick"));
    }
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast);
    return Vertx.builder().with(vertxOptions).withClusterManager(manager).buildClustered().compose(vertx -> {
      if (!manager.getHazelcastInstance().getCluster().getLocalMember().isLiteMember()) {
        return vertx.close().transform(v -> Future.failedFuture(new IllegalStateException(
            "lead-router-client: joined as a full member; left again")));
      }
      return Future.succeededFuture(new EventBusLeadRouterClient(vertx, options));
    });
  }

  /** The clustered Vert.x this client runs on (for the caller's own use of the event bus). */
  Vertx vertx() {
    return vertx;
  }

  @Override
  public Future<NextUser> nextUser(String accountId, long rotationId) {
    return nextUser(accountId, rotationId, UUID.randomUUID().toString());
  }

  @Override
  public Future<NextUser> nextUser(String accountId, long rotationId, String idempotencyKey) {
    JsonObject body = body(accountId, rotationId);
    return retry.call(n -> request(NEXT_USER, body, idempotencyKey)).map(NextUser::of);
  }

  @Override
  public Future<Picks> nextUsers(String accountId, long rotationId, int count) {
    return nextUsers(accountId, rotationId, count, UUID.randomUUID().toString());
  }

  @Override
  public Future<Picks> nextUsers(String accountId, long rotationId, int count, String idempotencyKey) {
    JsonObject body = body(accountId, rotationId).put("count", count);
    return retry.call(n -> request(NEXT_USERS, body, idempotencyKey)).map(Picks::of);
  }

  @Override
  public Future<RotationInfo> rotation(String accountId, long rotationId) {
    JsonObject body = body(accountId, rotationId);
    return retry.call(n -> request(GET_ROTATION, body, null)).map(RotationInfo::of);
  }

  @Override
  public Future<Lead> createLead(LeadRequest lead) {
    return createLead(lead, UUID.randomUUID().toString());
  }

  @Override
  public Future<Lead> createLead(LeadRequest lead, String idempotencyKey) {
    JsonObject body = body(lead.accountId(), lead.rotationId()).put("lead", lead.fields().copy());
    return retry.call(n -> request(CREATE_LEAD, body, idempotencyKey)).map(Lead::of);
  }

  @Override
  public Future<Void> close() {
    return vertx.close();
  }

  private static JsonObject body(String accountId, long rotationId) {
    JsonObject body = new JsonObject().put("rotationId", rotationId);
    if (accountId != null) {
      body.put("accountId", accountId);
    }
    return body;
  }

  private Future<JsonObject> request(String address, JsonObject body, String key) {
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(options.attemptTimeout().toMillis())
        .addHeader("authorization", "Bearer " + options.token().get());
    if (key != null) {
      delivery.addHeader("idempotency-key", key);
    }
    return vertx.eventBus().<JsonObject>request(address, body, delivery)
        .transform(ar -> ar.succeeded() ? Future.succeededFuture(ar.result().body())
            : Future.failedFuture(failure(address, ar.cause())));
  }

  private LeadRouterException failure(String address, Throwable t) {
    if (t instanceof ReplyException re) {
      return switch (re.failureType()) {
        case RECIPIENT_FAILURE -> new LeadRouterException(re.failureCode(), null, re.getMessage());
        case TIMEOUT -> new LeadRouterException(503, "unavailable", "no answer from " + address + " within "
            + options.attemptTimeout().toMillis() + " ms");
        case NO_HANDLERS -> new LeadRouterException(503, "unavailable", "no Lead Router member serves " + address
            + " (none joined, or this client is in another cluster)");
        default -> new LeadRouterException(503, "unavailable", address + ": " + re.getMessage());
      };
    }
    return new LeadRouterException(503, "unavailable", address + ": " + t);
  }
}
