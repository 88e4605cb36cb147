package io.leadrouter.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The request-body bytes one node holds in memory at once, shared by all its HTTP verticles. A body is admitted
 * only when its declared size (its route's limit when it is sent chunked) fits into what is left, and its share
 * is given back when its response ends or its connection closes; an upload that does not fit is refused at once
 * instead of being buffered. Bodies of unauthenticated requests ({@code POST /v1/leads}) may hold at most a
 * quarter of the budget, so they cannot crowd out authenticated callers.
 *
 * <p>Thread-safe: verticles on different event loops reserve and release concurrently.
 */
public final class BodyBudget {

  private final long capacity;
  private final long anonymousCapacity;
  private final AtomicLong held = new AtomicLong();
  private final AtomicLong heldAnonymously = new AtomicLong();

  public BodyBudget(long capacity) {
    this.capacity = capacity;
    this.anonymousCapacity = Math.max(1, capacity / 4);
  }

  public long capacity() {
    return capacity;
  }

  /** Bytes reserved by bodies being received or handled right now. */
  public long held() {
    return held.get();
  }

  /** Reserves {@code bytes}; false (and nothing reserved) when they do not fit. */
  boolean tryReserve(long bytes, boolean anonymous) {
    if (anonymous && !add(heldAnonymously, bytes, anonymousCapacity)) {
      return false;
    }
    if (!add(held, bytes, capacity)) {
      if (anonymous) {
        heldAnonymously.addAndGet(-bytes);
      }
      return false;
    }
    return true;
  }

  void release(long bytes, boolean anonymous) {
    held.addAndGet(-bytes);
    if (anonymous) {
      heldAnonymously.addAndGet(-bytes);
    }
  }

  private static boolean add(AtomicLong counter, long bytes, long limit) {
    while (true) {
      long now = counter.get();
      if (now + bytes > limit) {
        return false;
      }
      if (counter.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }
}
