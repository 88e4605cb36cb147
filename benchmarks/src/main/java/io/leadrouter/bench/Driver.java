package io.leadrouter.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Load generator on one event loop: {@code slots} independent request loops (HTTP: one keep-alive connection
 * each; event bus: one outstanding request each). Closed loop by default: a slot sends its next request as
 * soon as the previous one completes. With a rate, open loop: requests fall due at fixed intervals and a
 * free slot takes the oldest due one; latency is measured from when it was due, so queueing in the client
 * counts (no coordinated omission).
 *
 * <p>Everything here runs on the driver's event loop; only {@link LoadRun} is shared.
 */
abstract class Driver extends VerticleBase {

  private static final int MAX_BACKLOG = 1_000_000;

  protected final LoadRun run;
  protected final LoadRun.PickLog log;
  private final int slots;
  private final double ratePerSecond;
  private final ArrayDeque<Long> due = new ArrayDeque<>();
  private final ArrayDeque<Slot> idle = new ArrayDeque<>();
  private long rateStart;
  private long issued;
  private long ticker = -1;

  /** One request loop; subclasses keep their connection in it. */
  static class Slot {
    Object connection;
    boolean closed;
  }

  Driver(LoadRun run, int slots, double ratePerSecond) {
    this.run = run;
    this.log = run.picks ? run.newLog() : null;
    this.slots = slots;
    this.ratePerSecond = ratePerSecond;
  }

  /** Opens a slot's connection (HTTP) or nothing (event bus). */
  protected abstract Future<Slot> open();

  /** One request on {@code slot}; completes when the answer has been checked and logged, fails on any error. */
  protected abstract Future<Void> call(Slot slot);

  @Override
  public Future<?> start() {
    List<Future<Slot>> opened = new ArrayList<>();
    for (int i = 0; i < slots; i++) {
      opened.add(open());
    }
    return Future.all(opened).onSuccess(all -> {
      rateStart = System.nanoTime();
      for (Future<Slot> f : opened) {
        if (ratePerSecond > 0) {
          idle.add(f.result());
        } else {
          fire(f.result(), System.nanoTime());
        }
      }
      if (ratePerSecond > 0) {
        ticker = vertx.setPeriodic(1, id -> tick());
      }
    });
  }

  private void tick() {
    if (run.phase == LoadRun.Phase.DRAIN) {
      vertx.cancelTimer(ticker);
      due.clear();
      return;
    }
    long now = System.nanoTime();
    long target = (long) ((now - rateStart) * ratePerSecond / 1e9);
    for (; issued < target; issued++) {
      if (due.size() >= MAX_BACKLOG) {
        run.error("client backlog full");
        continue;
      }
      due.add(rateStart + (long) (issued * 1e9 / ratePerSecond));
    }
    while (!idle.isEmpty() && !due.isEmpty()) {
      fire(idle.poll(), due.poll());
    }
  }

  private void fire(Slot slot, long intended) {
    if (run.phase == LoadRun.Phase.DRAIN) {
      return;
    }
    run.inFlight.incrementAndGet();
    call(slot).onComplete(ar -> {
      long end = System.nanoTime();
      run.inFlight.decrementAndGet();
      if (ar.succeeded()) {
        run.ok(intended, end);
      } else {
        run.error(kind(ar.cause()));
      }
      if (slot.closed) {
        reopen(slot);
      } else {
        next(slot);
      }
    });
  }

  private void next(Slot slot) {
    if (ratePerSecond <= 0) {
      fire(slot, System.nanoTime());
    } else if (!due.isEmpty()) {
      fire(slot, due.poll());
    } else {
      idle.add(slot);
    }
  }

  private void reopen(Slot dead) {
    if (run.phase == LoadRun.Phase.DRAIN) {
      return;
    }
    open().onComplete(ar -> {
      if (ar.succeeded()) {
        next(ar.result());
      } else {
        run.error("connect: " + ar.cause().getClass().getSimpleName());
        vertx.setTimer(100, id -> reopen(dead));
      }
    });
  }

  static String kind(Throwable t) {
    if (t instanceof CallError e) {
      return e.getMessage();
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 80 ? m.substring(0, 80) : m));
  }

  /** A failed call with a short, groupable description ("status 503", "bad body"); no stack trace. */
  static final class CallError extends RuntimeException {
    CallError(String kind) {
      super(kind, null, false, false);
    }
  }

  /** Completes when this driver's requests have all come back (after the phase moved to DRAIN). */
  static Future<Void> drained(io.vertx.core.Vertx vertx, LoadRun run, long timeoutMs) {
    Promise<Void> p = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    vertx.setPeriodic(20, id -> {
      if (run.inFlight.get() == 0 || System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        p.tryComplete();
      }
    });
    return p.future();
  }
}
