package io.leadrouter.bench;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Event-bus load: {@code slots} outstanding requests to {@code address} (the service's event-bus API, or the
 * bare echo consumer), each reply checked like an HTTP response.
 */
final class BusDriver extends Driver {

  private final String address;
  private final JsonObject body;
  private final DeliveryOptions options;
  private final Map<String, Integer> memberIndex;

  BusDriver(LoadRun run, int inFlight, double ratePerSecond, String address, JsonObject body,
      DeliveryOptions options, Map<String, Integer> memberIndex) {
    super(run, inFlight, ratePerSecond);
    this.address = address;
    this.body = body;
    this.options = options;
    this.memberIndex = memberIndex;
  }

  @Override
  protected Future<Slot> open() {
    return Future.succeededFuture(new Slot());
  }

  @Override
  protected Future<Void> call(Slot slot) {
    return vertx.eventBus().<JsonObject>request(address, body, options).transform(ar -> {
      if (ar.failed()) {
        Throwable t = ar.cause();
        return Future.failedFuture(t instanceof ReplyException r
            ? new CallError("reply " + r.failureType() + " " + r.failureCode()) : t);
      }
      if (log != null) {
        JsonObject reply = ar.result().body();
        Long seq = reply.getLong("sequence");
        String user = reply.getString("currentUser");
        if (seq == null || user == null) {
          return Future.failedFuture(new CallError("bad reply: no sequence or currentUser"));
        }
        Integer member = memberIndex.get(user);
        log.add(seq, member == null ? -1 : member);
      }
      return Future.succeededFuture();
    });
  }
}
