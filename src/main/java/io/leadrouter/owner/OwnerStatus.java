package io.leadrouter.owner;

/**
 * What one owner verticle publishes for health checks and metrics. Written only by the owner's event loop,
 * read from any thread (volatile: a reader sees a recent value, which is all monitoring needs).
 */
public final class OwnerStatus {

  volatile int backlog;
  volatile int capacity;
  volatile boolean storeFailing;
  volatile int activeRotations;
  volatile int partitions;

  public int backlog() {
    return backlog;
  }

  public boolean full() {
    return backlog >= capacity;
  }

  public boolean storeFailing() {
    return storeFailing;
  }

  public int activeRotations() {
    return activeRotations;
  }

  public int partitions() {
    return partitions;
  }
}
