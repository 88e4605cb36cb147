package io.leadrouter.edge;

import io.leadrouter.leads.LeadStore;
import io.vertx.core.Vertx;

/**
 * The services HTTP and the event-bus API both call, built once per edge verticle (an {@link Idempotent}
 * renews its claims' leases with timers on the verticle's context).
 */
public record Services(Idempotent idempotent, LeadIntake leadIntake, Reassignment reassignment, BatchPick batchPick) {

  /** How long a request with an Idempotency-Key waits for the first request with that key to finish. */
  public static final long IDEMPOTENT_WAIT_MS = 10_000;

  public static Services of(Vertx vertx, Edge edge) {
    LeadStore leads = edge.leads();
    Idempotent idempotent = new Idempotent(vertx, leads, IDEMPOTENT_WAIT_MS, edge.node(), edge.idempotencyRetention());
    return new Services(idempotent, new LeadIntake(edge.directory(), leads, edge.rotations(), idempotent),
        new Reassignment(edge.directory(), leads), new BatchPick(edge.rotations()));
  }
}
