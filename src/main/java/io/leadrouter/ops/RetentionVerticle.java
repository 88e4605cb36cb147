package io.leadrouter.ops;

import io.leadrouter.leads.LeadStore;
import io.leadrouter.store.AssignmentLog;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what outlived its retention, on every node, every {@code purge-interval-seconds}: Idempotency-Keys
 * older than {@code idempotency-retention-hours}, and picks of the assignment log and lead history entries
 * older than {@code history-retention-days} (0 keeps them forever). Each table is purged in batches of
 * {@link #BATCH} rows until a batch comes back short, at most {@link #MAX_BATCHES} per run, so that no
 * statement holds locks or a connection for long; the rest waits for the next run. Nodes purging at the
 * same time skip each other's rows instead of waiting for them.
 */
public final class RetentionVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RetentionVerticle.class);
  static final int BATCH = 5_000;
  static final int MAX_BATCHES = 20;

  /** Rows one run deleted. */
  public record Purged(int keys, int assignments, int events) {}

  private final AssignmentLog assignmentLog;
  private final LeadStore leads;
  private final Clock clock;
  private final Duration keyRetention;
  private final Duration historyRetention;
  private final long intervalMs;
  private long timer = -1;
  private boolean running;

  /** {@code historyRetention} zero keeps the assignment log and lead histories forever. */
  public RetentionVerticle(AssignmentLog assignmentLog, LeadStore leads, Clock clock, Duration keyRetention,
      Duration historyRetention, Duration interval) {
    this.assignmentLog = assignmentLog;
    this.leads = leads;
    this.clock = clock;
    this.keyRetention = keyRetention;
    this.historyRetention = historyRetention;
    this.intervalMs = interval.toMillis();
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(intervalMs, id -> {
      // a run that outlasts the interval is not joined by another
      if (!running) {
        running = true;
        purge().onComplete(ar -> running = false);
      }
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** One run: what is past its retention now, in bounded batches. A store failure is logged, and retried next run. */
  public Future<Purged> purge() {
    Instant now = clock.instant();
    Instant keysBefore = now.minus(keyRetention);
    boolean history = !historyRetention.isZero();
    Instant historyBefore = now.minus(historyRetention);
    Future<Integer> keys = batches(leads::purgeKeys, keysBefore, 0, 0);
    Future<Integer> assignments = keys.compose(k -> !history ? Future.succeededFuture(0)
        : batches(assignmentLog::purgeAssignments, historyBefore, 0, 0));
    Future<Integer> events = assignments.compose(a -> !history ? Future.succeededFuture(0)
        : batches(leads::purgeEvents, historyBefore, 0, 0));
    return events.map(e -> new Purged(keys.result(), assignments.result(), e))
        .onSuccess(p -> {
          if (p.keys() + p.assignments() + p.events() > 0) {
            LOG.info("retention: deleted {} idempotency keys, {} picks of the assignment log, {} lead history entries",
                p.keys(), p.assignments(), p.events());
          }
        })
        .onFailure(e -> LOG.warn("retention: purge failed, next run in {} s: {}", intervalMs / 1000, e.getMessage()));
  }

  private static Future<Integer> batches(BiFunction<Instant, Integer, Future<Integer>> purge, Instant before,
      int done, int batch) {
    return purge.apply(before, BATCH).compose(n -> n < BATCH || batch + 1 >= MAX_BATCHES
        ? Future.succeededFuture(done + n) : batches(purge, before, done + n, batch + 1));
  }
}
