package io.leadrouter.owner;

import io.vertx.core.Future;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which member owns a partition, and when members leave (cluster mode): a command sent to an owner that
 * has left would otherwise wait for its whole timeout, because a message to a dead member is dropped, not
 * refused. A single node has nobody to lose: {@link #none()}.
 */
public interface OwnerWatch {

  /** The member owning {@code partition} as last seen, or null when unknown. Cheap and non-blocking. */
  Object ownerOf(int partition);

  /**
   * The event-bus address of the owner serving {@code partition} on the member that owns it, or null when
   * unknown: commands go there rather than to the partition's address, whose registrations come and go as
   * partitions move (and the event bus drops a message that reaches a node after its consumer left).
   */
  String ownerAddress(int partition);

  /** Whether {@code member} has left the cluster (as far as this member knows). */
  boolean departed(Object member);

  /**
   * Completes once no event-bus registration of {@code address} belongs to a member that left (the event
   * bus forgets a dead member's registrations shortly after the cluster does); fails while one does.
   */
  Future<Void> routable(String address);

  /** Calls {@code listener} (on any thread) with the members that left; returns what cancels it. */
  Runnable onDeparted(Consumer<Set<Object>> listener);

  /**
   * Whether a member left so recently that this member's event bus may still route to it: a command sent now
   * waits for {@link #routable} first.
   */
  boolean settling();

  /** Whether this member is still in a cluster (its Hazelcast instance runs). */
  boolean connected();

  /** Calls {@code listener} (on any thread) when this member's cluster connection ends; returns what cancels it. */
  Runnable onDisconnected(Runnable listener);

  /** Single-node mode: one member, which never leaves. */
  /**
   * When {@code partition} is owned by a Hazelcast member that is not a Lead Router member (a client that joined
   * as a full member), the caller's answer saying so; null otherwise. Such a partition has no owner to send to
   * until that member leaves.
   */
  default String foreignOwner(int partition) {
    return null;
  }

  static OwnerWatch none() {
    return new OwnerWatch() {
      @Override
      public Object ownerOf(int partition) {
        return null;
      }

      @Override
      public String ownerAddress(int partition) {
        return null;
      }

      @Override
      public boolean departed(Object member) {
        return false;
      }

      @Override
      public Future<Void> routable(String address) {
        return Future.succeededFuture();
      }

      @Override
      public boolean settling() {
        return false;
      }

      @Override
      public boolean connected() {
        return true;
      }

      @Override
      public Runnable onDisconnected(Runnable listener) {
        return () -> { };
      }

      @Override
      public Runnable onDeparted(Consumer<Set<Object>> listener) {
        return () -> { };
      }
    };
  }
}
