package io.leadrouter.owner;

/**
 * Which partitions this node hosts. A single node hosts all of them, always; a cluster member hosts the
 * Hazelcast partitions it owns, which change when members join, leave or die.
 */
public interface Ownership {

  /** Whether this node owns {@code partition} now. Cheap and non-blocking: an event loop may call it. */
  boolean hosts(int partition);

  /**
   * Calls {@code listener} (on any thread) whenever {@link #hosts} may have changed; returns what cancels it.
   * A listener re-reads {@link #hosts}: several changes may be reported by one call.
   */
  Runnable onChange(Runnable listener);

  /** Single-node mode: every partition, forever. */
  static Ownership everything() {
    return new Ownership() {
      @Override
      public boolean hosts(int partition) {
        return true;
      }

      @Override
      public Runnable onChange(Runnable listener) {
        return () -> { };
      }
    };
  }
}
