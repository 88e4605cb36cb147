package io.leadrouter.owner;

import io.leadrouter.rotation.Rotation.Skip;
import io.leadrouter.rotation.Rotation.UserPicked;
import io.leadrouter.rotation.RotationState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Announces a rotation's acknowledged picks on the event bus ({@link #address}) for the event streams
 * ({@code GET /lead-rotations/{id}/events}) of every member, whichever member owns the rotation. Wraps the
 * owner's {@link Acknowledgement}, so every pick is announced once, whoever asked for it (HTTP, the event-bus
 * API, {@code POST /v1/leads}), and only once acknowledged.
 *
 * <p>The hot path only appends the pick to its rotation's buffer; a timer publishes one message per rotation
 * with picks at most every {@link #INTERVAL_MS} (a clustered publish with no subscriber sends nothing over the
 * network). A batch keeps the picks in sequence order and holds at most {@link #MAX_BATCH} of them; beyond
 * that it carries a {@code dropped} count instead, and in {@code lastDropped} the highest of the rotation's own
 * sequences among them (a resumed stream that has replayed that far from the log ignores the count). A rotation's deletion is announced after its last picks.
 * Confined to the owner's event loop.
 */
public final class PickEvents extends ForwardingAcknowledgement {

  static final long INTERVAL_MS = 150;
  static final int MAX_BATCH = 1_000;

  private final Vertx vertx;
  private final Map<Long, Batch> pending = new LinkedHashMap<>();
  private boolean scheduled;

  private static final class Batch {
    final List<UserPicked> picks = new ArrayList<>();
    long dropped;
    long lastDropped;
    boolean deleted;
  }

  PickEvents(Vertx vertx, Acknowledgement delegate) {
    super(delegate);
    this.vertx = vertx;
  }

  /** The event-bus address a rotation's pick batches are published to. */
  public static String address(long rotationId) {
    return "leadrouter.events.rotation." + rotationId;
  }

  @Override
  public Future<Void> pick(long id, UserPicked picked, RotationState after) {
    return delegate.pick(id, picked, after).onSuccess(v -> {
      add(id, picked);
      if (picked.fallbackFrom() != null && picked.fallbackFrom() != id) {
        add(picked.fallbackFrom(), picked); // shown in the stream of the rotation that had nobody eligible too
      }
    });
  }

  @Override
  public Future<Void> delete(long id) {
    return delegate.delete(id).onSuccess(v -> {
      batch(id).deleted = true;
      schedule();
    });
  }

  private void add(long id, UserPicked picked) {
    Batch batch = batch(id);
    if (batch.picks.size() < MAX_BATCH) {
      batch.picks.add(picked);
    } else {
      batch.dropped++;
      if (picked.rotationId() == id) {
        batch.lastDropped = Math.max(batch.lastDropped, picked.sequence());
      }
    }
    schedule();
  }

  private Batch batch(long id) {
    return pending.computeIfAbsent(id, k -> new Batch());
  }

  private void schedule() {
    if (!scheduled) {
      scheduled = true;
      vertx.setTimer(INTERVAL_MS, t -> flush());
    }
  }

  private void flush() {
    scheduled = false;
    for (Map.Entry<Long, Batch> e : pending.entrySet()) {
      vertx.eventBus().publish(address(e.getKey()), message(e.getValue()));
    }
    pending.clear();
  }

  /** {@code {"picks": [...], "dropped": n, "lastDropped": s, "deleted": true}}: the wire form of a batch (JSON crosses members). */
  private static JsonObject message(Batch batch) {
    JsonArray picks = new JsonArray();
    batch.picks.forEach(p -> picks.add(event(p)));
    JsonObject o = new JsonObject().put("picks", picks);
    if (batch.dropped > 0) {
      o.put("dropped", batch.dropped);
      if (batch.lastDropped > 0) {
        o.put("lastDropped", batch.lastDropped);
      }
    }
    if (batch.deleted) {
      o.put("deleted", true);
    }
    return o;
  }

  /** One pick as the event stream shows it. */
  static JsonObject event(UserPicked p) {
    JsonArray skipped = new JsonArray();
    for (Skip s : p.skipped()) {
      skipped.add(new JsonObject().put("userId", s.userId()).put("reason", s.reason().wire()));
    }
    JsonObject o = new JsonObject().put("sequence", p.sequence()).put("rotationId", p.rotationId())
        .put("userId", p.member().userId()).put("name", p.member().name()).put("email", p.member().email())
        .put("at", p.at().toString()).put("skipped", skipped);
    if (p.fallbackFrom() != null) {
      o.put("fallbackFrom", p.fallbackFrom());
    }
    return o;
  }
}
