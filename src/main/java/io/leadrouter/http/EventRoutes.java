package io.leadrouter.http;

import io.leadrouter.auth.Caller;
import io.leadrouter.edge.Edge;
import io.leadrouter.error.ApiException;
import io.leadrouter.owner.PickEvents;
import io.leadrouter.owner.RotationService;
import io.leadrouter.store.AssignmentLog;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /lead-rotations/{id}/events}: the rotation's acknowledged picks as Server-Sent Events, on any
 * member, whichever member owns the rotation (the owner publishes them on the event bus, {@link PickEvents}).
 * Authenticated and account-checked like every rotation route; a rotation of another account is 404.
 *
 * <p>Each pick is {@code event: pick}, {@code id: <sequence>}, {@code data: {...}}. A comment every
 * {@link #KEEP_ALIVE_MS} keeps proxies and the server's idle timeout from closing a quiet stream. A slow
 * reader is never buffered for without bound: while the response's write queue is full, picks are dropped and
 * then announced as {@code event: dropped} with their count. The stream ends when the rotation is deleted
 * and when the node stops (a client reconnects, to another node in a cluster).
 *
 * <p>Resume: with {@code Last-Event-ID: N} (what EventSource sends on reconnect) the stream first replays the
 * rotation's own picks with a sequence above N from the assignment log, at most {@link #MAX_REPLAY} (the newest;
 * an {@code event: dropped} counts the older ones), then goes on live, with no duplicate and no gap: the live
 * batches are subscribed to first and held while the log is read, and the log is read only once every pick
 * acknowledged before the subscription has had time to be written ({@code logLagMs}: the write-behind writes a
 * pick within one flush interval). Ids are this rotation's own sequences ({@link EventStream}).
 */
final class EventRoutes {

  static final long KEEP_ALIVE_MS = 15_000;
  /** The most picks a resumed stream replays from the assignment log. */
  static final int MAX_REPLAY = 1_000;

  private final Vertx vertx;
  private final RotationService rotations;
  private final AssignmentLog log;
  /** How long after its acknowledgement a pick may still be missing from the assignment log. */
  private final long logLagMs;
  /** What ends each open stream; confined to the HTTP verticle's event loop, like every handler here. */
  private final Set<Runnable> open = new HashSet<>();
  private final Counter droppedTotal;

  EventRoutes(Vertx vertx, Edge edge, long logLagMs) {
    this.vertx = vertx;
    this.rotations = edge.rotations();
    this.log = edge.assignmentLog();
    this.logLagMs = logLagMs;
    this.droppedTotal = edge.metrics().eventsDropped();
  }

  void events(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "rotationId");
    Long resumeAfter = lastEventId(ctx);
    // subscribed (cluster-wide: the owner may be another member) before the rotation is checked, so that no
    // pick made meanwhile is missed; batches that arrive before the stream starts wait in `early`
    List<JsonObject> early = new ArrayList<>();
    AtomicReference<Handler<JsonObject>> sink = new AtomicReference<>(early::add);
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(PickEvents.address(id),
        message -> sink.get().handle(message.body()));
    rotations.get(caller.accountId(), id).compose(s -> consumer.completion().map(s))
        .onSuccess(rotation -> {
          EventStream stream = stream(ctx, consumer, id, resumeAfter == null ? 0 : resumeAfter);
          if (stream == null) {
            return;
          }
          if (resumeAfter == null) {
            live(sink, early, stream);
            return;
          }
          vertx.setTimer(logLagMs, t -> log.picksAfter(id, resumeAfter, MAX_REPLAY)
              .onSuccess(page -> {
                stream.replay(page, rotation);
                live(sink, early, stream);
              })
              .onFailure(e -> endStream(ctx))); // the client reconnects with the same id
        })
        .onFailure(e -> {
          consumer.unregister();
          ctx.fail(e);
        });
  }

  /** From now on batches go straight to the stream, after those that arrived while it started. */
  private static void live(AtomicReference<Handler<JsonObject>> sink, List<JsonObject> early, EventStream stream) {
    sink.set(stream::batch);
    early.forEach(stream::batch);
    early.clear();
  }

  private static void endStream(RoutingContext ctx) {
    if (!ctx.response().ended() && !ctx.response().closed()) {
      ctx.response().end();
    }
  }

  /** The {@code Last-Event-ID} header: null when absent or empty, else a sequence (a non-negative integer). */
  static Long lastEventId(RoutingContext ctx) {
    String raw = ctx.request().getHeader("last-event-id");
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      long n = Long.parseLong(raw.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // fall through to the error below
    }
    String shown = raw.length() > 40 ? raw.substring(0, 40) + "..." : raw;
    throw ApiException.invalid("Last-Event-ID: must be the id of an event of this stream (a non-negative integer),"
        + " got '" + shown + "'");
  }

  /** Starts the stream; null when the client already left. */
  private EventStream stream(RoutingContext ctx, MessageConsumer<JsonObject> consumer, long id, long after) {
    HttpServerResponse response = ctx.response();
    if (response.closed()) {
      consumer.unregister();
      return null;
    }
    response.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-store").putHeader("x-accel-buffering", "no");
    response.write(": stream of rotation picks\n\n");
    long keepAlive = vertx.setPeriodic(KEEP_ALIVE_MS, t -> {
      if (!response.writeQueueFull()) {
        response.write(": keep-alive\n\n");
      }
    });
    Runnable close = () -> {
      vertx.cancelTimer(keepAlive);
      consumer.unregister();
    };
    Runnable[] end = new Runnable[1];
    end[0] = () -> {
      open.remove(end[0]);
      close.run();
      if (!response.ended() && !response.closed()) {
        response.end();
      }
    };
    open.add(end[0]);
    response.closeHandler(v -> {
      open.remove(end[0]);
      close.run();
    });
    return new EventStream(id, response, after, end[0], droppedTotal);
  }

  /**
   * Ends every open stream (the verticle stops): a stream never ends by itself, and the server's close would
   * otherwise leave it to the client to notice. A client reconnects to another node.
   */
  void endAll() {
    List<Runnable> all = new ArrayList<>(open);
    open.clear();
    all.forEach(Runnable::run);
  }

  static String dropped(long count) {
    return "event: dropped\ndata: {\"count\":" + count + "}\n\n";
  }
}
