package io.leadrouter.http;

import io.leadrouter.edge.Views;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.store.Assignment;
import io.leadrouter.store.Page;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * What one open event stream of a rotation writes: picks replayed from the assignment log (a resumed stream),
 * then the live batches. The ids of a stream are this rotation's own sequences and only go up: a live pick at
 * or below the last one replayed (or the client's Last-Event-ID) is not written again (the replay and the live
 * batches overlap); a pick that another rotation made as this one's fallback ({@code fallbackFrom}) is written
 * without an {@code id:} line, since its sequence is the other rotation's; and so is a live pick that arrives
 * after a higher one (a former owner's last batch, late after a failover), so that it is shown but no id goes
 * down. Confined to the HTTP verticle's event loop.
 */
final class EventStream {

  private final long rotationId;
  private final HttpServerResponse response;
  private final Runnable end;
  /** The node's count of picks streams dropped. */
  private final Counter droppedTotal;
  private long dropped;
  /** The highest sequence the client has had: live picks at or below it are duplicates. */
  private long seen;
  /** The highest id written. */
  private long lastSent;

  /** {@code resumeAfter}: the client's Last-Event-ID (0 for a new stream: sequences start at 1). */
  EventStream(long rotationId, HttpServerResponse response, long resumeAfter, Runnable end, Counter droppedTotal) {
    this.rotationId = rotationId;
    this.droppedTotal = droppedTotal;
    this.response = response;
    this.seen = resumeAfter;
    this.lastSent = resumeAfter;
    this.end = end;
  }

  private boolean gone() {
    return response.closed() || response.ended();
  }

  /**
   * The picks the assignment log holds after the client's last id, oldest first; when there were more than
   * the page holds, first an {@code event: dropped} with how many older ones are not replayed.
   */
  void replay(Page<Assignment> page, RotationState rotation) {
    if (gone()) {
      return;
    }
    long skipped = page.total() - page.items().size();
    if (skipped > 0) {
      response.write(EventRoutes.dropped(skipped));
    }
    Map<Long, String> names = new HashMap<>();
    for (Member m : rotation.members()) {
      names.put(m.userId(), m.name());
    }
    for (Assignment a : page.items()) {
      JsonObject o = new JsonObject().put("sequence", a.sequence()).put("rotationId", a.rotationId())
          .put("userId", a.userId());
      if (names.get(a.userId()) != null) {
        o.put("name", names.get(a.userId()));
      }
      o.put("email", a.email()).put("at", Views.instant(a.pickedAt())).put("skipped", Views.skipped(a.skipped()));
      if (a.fallbackFrom() != null) {
        o.put("fallbackFrom", a.fallbackFrom());
      }
      write(o);
    }
    seen = Math.max(seen, lastSent);
  }

  /** One live batch ({@code PickEvents}): its picks, a count of picks lost, the rotation's deletion. */
  void batch(JsonObject batch) {
    if (gone()) {
      return;
    }
    // picks lost on the way that this stream has already sent (replayed from the log) are not lost to it
    if (batch.getLong("lastDropped", Long.MAX_VALUE) > seen) {
      dropped += batch.getLong("dropped", 0L);
    }
    JsonArray picks = batch.getJsonArray("picks", new JsonArray());
    for (int i = 0; i < picks.size(); i++) {
      if (response.writeQueueFull()) {
        dropped += picks.size() - i;
        droppedTotal.increment(picks.size() - i);
        break;
      }
      if (dropped > 0) {
        response.write(EventRoutes.dropped(dropped));
        dropped = 0;
      }
      write(picks.getJsonObject(i));
    }
    if (dropped > 0 && !response.writeQueueFull()) {
      response.write(EventRoutes.dropped(dropped));
      dropped = 0;
    }
    if (batch.getBoolean("deleted", false)) {
      response.write("event: deleted\ndata: {}\n\n");
      end.run();
    }
  }

  private void write(JsonObject pick) {
    long sequence = pick.getLong("sequence");
    if (sequence <= seen && pick.getLong("rotationId") == rotationId) {
      return; // the client has it (replayed from the log, then announced live)
    }
    if (pick.getLong("rotationId") != rotationId || sequence <= lastSent) {
      // another rotation's pick made as this one's fallback (its sequence is not an id of this stream), or one
      // that comes after a higher id: shown, without an id
      response.write("event: pick\ndata: " + pick.encode() + "\n\n");
      return;
    }
    lastSent = sequence;
    response.write("event: pick\nid: " + sequence + "\ndata: " + pick.encode() + "\n\n");
  }
}
