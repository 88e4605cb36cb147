package io.leadrouter.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Lead Router for another service, over the event bus ({@link #joinCluster}: this JVM joins the cluster as a
 * Hazelcast lite member) or over HTTP ({@link #http}). Both send the caller's JWT with every call, give each
 * logical call one Idempotency-Key and retry it with back-off on 503 and timeouts, so each logical call is
 * answered once: a pick is made at most once per call, whichever member or attempt ran it, and the answer is
 * that pick's. Failures are {@link LeadRouterException} (status, code, message as the API words them).
 */
public interface LeadRouterClient {

  /** The rotation's next user; picked at most once per call, however often it is retried. */
  Future<NextUser> nextUser(String accountId, long rotationId);

  /**
   * The same with the caller's own Idempotency-Key (1..255 printable ASCII characters): a later call with the same
   * key and rotation, over either transport, within the service's key retention (24 h) returns the same pick.
   */
  Future<NextUser> nextUser(String accountId, long rotationId, String idempotencyKey);

  /**
   * {@code count} (1..100) picks of the rotation in one call, in order; at most once per call (one Idempotency-Key
   * for the batch). A batch cut short lists the picks made ({@link Picks#error} says why the rest were not).
   */
  Future<Picks> nextUsers(String accountId, long rotationId, int count);

  /** The same with the caller's own Idempotency-Key (shared with {@code POST …/next-users}). */
  Future<Picks> nextUsers(String accountId, long rotationId, int count, String idempotencyKey);

  /** The rotation as it stands. */
  Future<RotationInfo> rotation(String accountId, long rotationId);

  /** Stores a lead with the rotation's next user as its owner; one lead and one pick per call. */
  Future<Lead> createLead(LeadRequest lead);

  /** The same with the caller's own Idempotency-Key (shared with {@code POST /v1/leads}). */
  Future<Lead> createLead(LeadRequest lead, String idempotencyKey);

  /** Releases the client (and leaves the cluster, for the event-bus client). */
  Future<Void> close();

  /** An HTTP client of the members (or a load balancer) at {@code baseUris} ({@code http://host:port}), tried in turn. */
  static LeadRouterClient http(Vertx vertx, List<String> baseUris, ClientOptions options) {
    return new HttpLeadRouterClient(vertx, baseUris, options);
  }

  /**
   * Joins the cluster as a Hazelcast lite member (it owns no partitions) and calls the members' event-bus API.
   * Refuses ({@link IllegalStateException}) to run as a full member.
   */
  static Future<LeadRouterClient> joinCluster(ClusterSettings cluster, ClientOptions options) {
    return EventBusLeadRouterClient.join(cluster, options).map(c -> c);
  }

  /**
   * Joins with a Hazelcast configuration of the caller's own (TLS, discovery plug-ins, …): it must be a lite
   * member ({@code setLiteMember(true)}) with the members' cluster name and partition count, else the future
   * fails with an {@link IllegalStateException} saying so, and nothing joins.
   */
  static Future<LeadRouterClient> joinCluster(com.hazelcast.config.Config hazelcast, ClientOptions options) {
    return joinCluster(hazelcast, new io.vertx.core.VertxOptions(), options);
  }

  /** The same with Vert.x options of the caller's own (the event bus's host, port and TLS). */
  static Future<LeadRouterClient> joinCluster(com.hazelcast.config.Config hazelcast, io.vertx.core.VertxOptions vertx,
      ClientOptions options) {
    return EventBusLeadRouterClient.join(hazelcast, vertx, options).map(c -> c);
  }
}
