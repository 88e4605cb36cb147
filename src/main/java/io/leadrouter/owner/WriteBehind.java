package io.leadrouter.owner;

import io.leadrouter.ops.Metrics;
import io.leadrouter.rotation.Ledger;
import io.leadrouter.rotation.Rotation.UserPicked;
import io.leadrouter.store.Assignment;
import io.leadrouter.store.RotationStore;
import io.leadrouter.store.WriteBatch;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-behind buffer of one owner verticle. Confined to that verticle's event loop: no locks.
 *
 * <p>Picks are coalesced: one progress entry per rotation however many picks it had since the last flush;
 * assignment rows are sent in batches of at most {@code batchSize}. At most one flush is in flight. A
 * failed flush puts its batch back (older than anything queued since) and is retried with back-off; the
 * store's flush is idempotent, so a retry of a batch that did land changes nothing.
 *
 * <p>Bounded: {@link #offer} refuses once {@code capacity} picks are buffered or in flight, so the caller can
 * answer 503 instead of acknowledging a pick it might lose.
 */
final class WriteBehind {

  private static final Logger LOG = LoggerFactory.getLogger(WriteBehind.class);
  private static final long MAX_BACKOFF_MS = 5_000;

  private final Vertx vertx;
  private final RotationStore store;
  private final String node;
  private final int capacity;
  private final int batchSize;
  private final long intervalMs;
  private final Metrics metrics;

  private final Map<Long, WriteBatch.Progress> progress = new LinkedHashMap<>();
  private final ArrayDeque<Assignment> assignments = new ArrayDeque<>();
  private int inFlight;
  private boolean flushing;
  private long backoffMs;
  private long failingSince;
  private long retryTimer = -1;
  private final List<Promise<Void>> drainWaiters = new ArrayList<>();
  private Consumer<List<Assignment>> flushed = rows -> { };
  /** Flush as soon as a pick is queued and no flush is in flight (picks waiting for their commit). */
  private boolean eager;

  WriteBehind(Vertx vertx, RotationStore store, String node, int capacity, int batchSize, long intervalMs,
      Metrics metrics) {
    this.metrics = metrics;
    this.vertx = vertx;
    this.store = store;
    this.node = node;
    this.capacity = capacity;
    this.batchSize = batchSize;
    this.intervalMs = intervalMs;
  }

  /** Picks buffered or in flight, not yet durable in the store. */
  int backlog() {
    return assignments.size() + inFlight;
  }

  boolean hasRoom() {
    return backlog() < capacity;
  }

  boolean failing() {
    return failingSince != 0;
  }

  boolean hasPending(long rotationId) {
    return progress.containsKey(rotationId) || flushing;
  }

  /** Queues a pick, {@code ledger} the rotation's after it; the caller checked {@link #hasRoom()} first. */
  void add(UserPicked p, Ledger ledger) {
    add(p, row(p), ledger);
  }

  /** Queues a pick whose log row was built already. */
  void add(UserPicked p, Assignment row, Ledger ledger) {
    progress.put(p.rotationId(), new WriteBatch.Progress(p.rotationId(), p.newPosition(), p.sequence(), ledger));
    assignments.add(row);
    if ((eager || assignments.size() >= batchSize) && !flushing && !failing()) {
      flush();
    }
  }

  /** The assignment-log row of a pick. */
  Assignment row(UserPicked p) {
    return new Assignment(p.rotationId(), p.accountId(), p.sequence(), p.member().userId(),
        p.member().email(), p.position(), p.at(), p.requestId(), node, p.skipped(), p.repayment(), p.fallbackFrom());
  }

  /**
   * Queues picks another owner acknowledged but did not store (taken over from the replica), with the
   * rotation's progress after them. Rows the store already has are ignored by its idempotent flush.
   */
  void restore(long rotationId, int position, long sequence, Ledger ledger, List<Assignment> rows) {
    assignments.addAll(rows);
    WriteBatch.Progress known = progress.get(rotationId);
    if (known == null || known.sequence() < sequence) {
      progress.put(rotationId, new WriteBatch.Progress(rotationId, position, sequence, ledger));
    }
  }

  /**
   * Called on the owner's event loop after each successful flush with its rows, in log order per rotation:
   * every row of a rotation up to the highest sequence among them is then in the store.
   */
  void onFlushed(Consumer<List<Assignment>> listener) {
    this.flushed = listener;
  }

  /**
   * Group commit: every pick starts a flush unless one is in flight, and when one ends the picks queued
   * meanwhile go in the next; so a pick waits for at most the flush in flight and its own.
   */
  void flushEagerly() {
    this.eager = true;
  }

  /** Called by the owner's periodic timer. */
  void tick() {
    if (!failing()) {
      flush();
    }
  }

  /** Completes once everything buffered now (and since) is durable; used by delete and graceful stop. */
  Future<Void> drain() {
    if (backlog() == 0 && progress.isEmpty()) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    drainWaiters.add(p);
    if (!failing()) {
      flush();
    }
    return p.future();
  }

  private void flush() {
    if (flushing || (assignments.isEmpty() && progress.isEmpty())) {
      return;
    }
    List<Assignment> rows = new ArrayList<>(Math.min(batchSize, assignments.size()));
    while (rows.size() < batchSize && !assignments.isEmpty()) {
      rows.add(assignments.poll());
    }
    // progress may run ahead of the rows still queued: sequence safety rests on the reserved ceiling
    List<WriteBatch.Progress> moves = new ArrayList<>(progress.values());
    progress.clear();
    WriteBatch batch = new WriteBatch(moves, rows);
    flushing = true;
    inFlight = rows.size();
    long started = System.nanoTime();
    store.flush(batch).onComplete(ar -> {
      flushing = false;
      inFlight = 0;
      metrics.flushLatency().record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      if (ar.succeeded()) {
        if (!rows.isEmpty()) {
          flushed.accept(rows);
        }
        onFlushed(rows.size());
      } else {
        onFlushFailed(batch, ar.cause());
      }
    });
  }

  private void onFlushed(int written) {
    if (failing()) {
      LOG.info("write-behind: store reachable again after {} ms; {} buffered picks written, {} still queued",
          System.currentTimeMillis() - failingSince, written, backlog());
      failingSince = 0;
      backoffMs = 0;
    }
    if (assignments.size() >= batchSize || !drainWaiters.isEmpty() || (eager && !assignments.isEmpty())) {
      flush();
    }
    if (backlog() == 0 && progress.isEmpty() && !drainWaiters.isEmpty()) {
      List<Promise<Void>> done = new ArrayList<>(drainWaiters);
      drainWaiters.clear();
      done.forEach(Promise::complete);
    }
  }

  private void onFlushFailed(WriteBatch batch, Throwable cause) {
    metrics.storeError();
    // put the batch back in front: its rows are older than anything queued since
    List<Assignment> rows = batch.assignments();
    for (int i = rows.size() - 1; i >= 0; i--) {
      assignments.addFirst(rows.get(i));
    }
    for (WriteBatch.Progress p : batch.progress()) {
      progress.putIfAbsent(p.rotationId(), p); // a newer entry queued since wins
    }
    backoffMs = backoffMs == 0 ? Math.max(50, intervalMs) : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    if (failingSince == 0) {
      failingSince = System.currentTimeMillis();
      LOG.warn("write-behind: flush failed ({}); picks keep being served from memory, {} buffered of {} allowed",
          cause.getMessage(), backlog(), capacity);
    } else {
      LOG.warn("write-behind: store still unreachable ({}); {} picks buffered of {}; retry in {} ms",
          cause.getMessage(), backlog(), capacity, backoffMs);
    }
    if (retryTimer != -1) {
      vertx.cancelTimer(retryTimer);
    }
    retryTimer = vertx.setTimer(backoffMs, id -> {
      retryTimer = -1;
      flush();
    });
  }

  /** Cancels the retry timer; buffered picks stay for {@link #drain()}. */
  void cancelRetry() {
    if (retryTimer != -1) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
  }
}
