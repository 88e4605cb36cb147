package io.leadrouter.http;

import io.leadrouter.auth.Caller;
import io.leadrouter.edge.Edge;
import io.leadrouter.owner.PickEvents;
import io.leadrouter.owner.RotationService;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
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
 */
final class EventRoutes {

  static final long KEEP_ALIVE_MS = 15_000;

  private final Vertx vertx;
  private final RotationService rotations;
  /** What ends each open stream; confined to the HTTP verticle's event loop, like every handler here. */
  private final Set<Runnable> open = new HashSet<>();

  EventRoutes(Vertx vertx, Edge edge) {
    this.vertx = vertx;
    this.rotations = edge.rotations();
  }

  void events(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "rotationId");
    // subscribed (cluster-wide: the owner may be another member) before the rotation is checked, so that no
    // pick made meanwhile is missed; batches that arrive before the stream starts wait in `early`
    List<JsonObject> early = new ArrayList<>();
    AtomicReference<Handler<JsonObject>> sink = new AtomicReference<>(early::add);
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(PickEvents.address(id),
        message -> sink.get().handle(message.body()));
    rotations.get(caller.accountId(), id).compose(s -> consumer.completion())
        .onSuccess(v -> {
          sink.set(stream(ctx, consumer));
          early.forEach(sink.get()::handle);
        })
        .onFailure(e -> {
          consumer.unregister();
          ctx.fail(e);
        });
  }

  /** Starts the stream; returns what writes each batch to it. */
  private Handler<JsonObject> stream(RoutingContext ctx, MessageConsumer<JsonObject> consumer) {
    HttpServerResponse response = ctx.response();
    if (response.closed()) {
      consumer.unregister();
      return batch -> { };
    }
    response.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-store").putHeader("x-accel-buffering", "no");
    response.write(": stream of rotation picks\n\n");
    long[] dropped = {0};
    long keepAlive = vertx.setPeriodic(KEEP_ALIVE_MS, t -> {
      if (!response.writeQueueFull()) {
        response.write(": keep-alive\n\n");
      }
    });
    Runnable close = () -> {
      vertx.cancelTimer(keepAlive);
      consumer.unregister();
    };
    Runnable end = () -> {
      close.run();
      if (!response.ended() && !response.closed()) {
        response.end();
      }
    };
    open.add(end);
    response.closeHandler(v -> {
      open.remove(end);
      close.run();
    });
    return batch -> {
      if (response.closed() || response.ended()) {
        return;
      }
      dropped[0] += batch.getLong("dropped", 0L);
      JsonArray picks = batch.getJsonArray("picks", new JsonArray());
      for (int i = 0; i < picks.size(); i++) {
        if (response.writeQueueFull()) {
          dropped[0] += picks.size() - i;
          break;
        }
        if (dropped[0] > 0) {
          response.write(dropped(dropped[0]));
          dropped[0] = 0;
        }
        JsonObject pick = picks.getJsonObject(i);
        response.write("event: pick\nid: " + pick.getLong("sequence") + "\ndata: " + pick.encode() + "\n\n");
      }
      if (dropped[0] > 0 && !response.writeQueueFull()) {
        response.write(dropped(dropped[0]));
        dropped[0] = 0;
      }
      if (batch.getBoolean("deleted", false)) {
        response.write("event: deleted\ndata: {}\n\n");
        open.remove(end);
        end.run();
      }
    };
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

  private static String dropped(long count) {
    return "event: dropped\ndata: {\"count\":" + count + "}\n\n";
  }
}
