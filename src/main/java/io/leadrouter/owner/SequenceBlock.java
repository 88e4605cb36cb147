package io.leadrouter.owner;

import io.leadrouter.store.RotationStore;
import io.leadrouter.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sequence numbers one rotation may hand out without asking the store (hi/lo): every number up to
 * {@link #ceiling()} is reserved in the store, so a crash skips numbers but never repeats one. At most one
 * reservation is in flight; it only ever raises the ceiling. Knows nothing of the commands waiting for it:
 * whoever needs the block waits on the future {@link #reserve} returns. Confined to the owner's event loop.
 */
final class SequenceBlock {

  private static final Logger LOG = LoggerFactory.getLogger(SequenceBlock.class);
  /** While the store is unreachable, a reservation is retried at most this often. */
  private static final long RESERVE_RETRY_MS = 500;

  private final long id;
  private final RotationStore store;
  private final int size;
  private final Clock clock;
  private long ceiling;
  private Promise<Void> reserving;
  /** The last reservation failed because the store is unreachable: picks may go above the ceiling. */
  private boolean storeUnreachable;
  private boolean aboveCeiling;
  private long failedAt;

  SequenceBlock(long id, long ceiling, RotationStore store, int size, Clock clock) {
    this.id = id;
    this.ceiling = ceiling;
    this.store = store;
    this.size = size;
    this.clock = clock;
  }

  long ceiling() {
    return ceiling;
  }

  boolean covers(long sequence) {
    return sequence <= ceiling;
  }

  boolean reserving() {
    return reserving != null;
  }

  /** The last reservation failed because the store is unreachable. */
  boolean storeUnreachable() {
    return storeUnreachable;
  }

  /**
   * Whether {@code sequence}, above the ceiling, may be handed out anyway: only while the store is unreachable
   * (the write-behind buffer bounds how far); only a crash of this node before the store returns could hand
   * these numbers out again.
   */
  boolean mayExceed() {
    if (storeUnreachable && !aboveCeiling) {
      aboveCeiling = true;
      LOG.warn("rotation {}: the store is unreachable, handing out sequence numbers above the reserved "
          + "ceiling {} until it returns", id, ceiling);
    }
    return storeUnreachable;
  }

  /** After a pick numbered {@code sequence}: reserves the next block early so the hot path rarely waits. */
  void refillAhead(long sequence) {
    if (reserving == null && ceiling - sequence < size / 2
        && (!storeUnreachable || clock.millis() - failedAt > RESERVE_RETRY_MS)) {
      reserve(sequence);
    }
  }

  /**
   * Reserves numbers up to {@code sequence + size} (or joins the reservation in flight). The future completes
   * after the ceiling moved; it fails with the store's error, {@link #mayExceed()} then telling whether that
   * error was the store being unreachable.
   */
  Future<Void> reserve(long sequence) {
    if (reserving != null) {
      return reserving.future();
    }
    Promise<Void> done = Promise.promise();
    reserving = done;
    store.reserveSequences(id, sequence + size).onComplete(ar -> {
      reserving = null;
      if (ar.succeeded()) {
        ceiling = Math.max(ceiling, ar.result());
        if (aboveCeiling && ceiling >= sequence) {
          LOG.info("rotation {}: sequence numbers reserved again, up to {}", id, ceiling);
        }
        storeUnreachable = false;
        aboveCeiling = false;
        done.complete();
      } else {
        storeUnreachable = ar.cause() instanceof StoreException e && e.kind() == StoreException.Kind.UNAVAILABLE;
        failedAt = clock.millis();
        done.fail(ar.cause());
      }
    });
    return done.future();
  }

  /**
   * The numbers above {@code sequence} (the rotation leaves memory cleanly), to give back with other
   * rotations' in one statement. Best effort: numbers not given back stay reserved, and the next owner skips
   * them, giving out none of them twice.
   */
  RotationStore.SequenceRelease unused(long sequence) {
    return new RotationStore.SequenceRelease(id, sequence, ceiling);
  }
}
