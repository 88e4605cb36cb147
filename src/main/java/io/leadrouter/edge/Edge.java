package io.leadrouter.edge;

import io.leadrouter.ops.Metrics;
import io.leadrouter.owner.RotationService;
import io.leadrouter.store.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What the edges (HTTP, event-bus API) of one node share: the store, the owners' client, meters, readiness,
 * the node's name (stable across its restarts; it claims Idempotency-Keys under it) and how long a key holds.
 */
public record Edge(Store store, RotationService rotations, Metrics metrics, Supplier<Future<JsonObject>> readiness,
    String node, Duration idempotencyRetention) {}
