package io.leadrouter.http;

import io.leadrouter.ops.Metrics;
import io.leadrouter.owner.RotationService;
import io.leadrouter.store.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/** What the edges (HTTP, event-bus API) of one node share: the store, the owners' client, meters, readiness. */
public record Edge(Store store, RotationService rotations, Metrics metrics, Supplier<Future<JsonObject>> readiness) {}
