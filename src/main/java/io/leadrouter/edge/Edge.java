package io.leadrouter.edge;

import io.leadrouter.leads.LeadStore;
import io.leadrouter.ops.Metrics;
import io.leadrouter.owner.RotationService;
import io.leadrouter.store.AssignmentLog;
import io.leadrouter.store.Directory;
import io.leadrouter.store.RotationStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What the edges (HTTP, event-bus API) of one node share: the store's ports (each route takes the ones it
 * uses), the owners' client, meters, readiness, the node's name (stable across its restarts; it claims
 * Idempotency-Keys under it), how long a key holds, and the node's clock (the one its owners pick by).
 */
public record Edge(RotationStore rotationStore, Directory directory, AssignmentLog assignmentLog, LeadStore leads,
    RotationService rotations, Metrics metrics, Supplier<Future<JsonObject>> readiness, String node,
    Duration idempotencyRetention, Clock clock) {}
