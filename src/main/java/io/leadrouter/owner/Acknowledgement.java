package io.leadrouter.owner;

import io.leadrouter.rotation.Rotation.UserPicked;
import io.leadrouter.rotation.RotationState;
import io.vertx.core.Future;

/**
 * When a pick counts as acknowledged, and what that means for loading and changing a rotation: the one
 * difference between a single node ({@link AckFromMemory}: acknowledged once applied in memory and queued
 * for write-behind) and a cluster member ({@link GroupCommit}: acknowledged once the replica holds it, with
 * the rotation claimed in the replica and configuration changes fenced by its epoch). The owner's
 * {@link Lifecycle} calls it and never looks at which one it has, as {@link Ownership#everything()} does for
 * ownership.
 *
 * <p>Data flows one way: lifecycle → acknowledgement → write-behind → store. Nothing here calls back into a
 * lifecycle; it answers with futures. Confined to the owner's event loop.
 */
interface Acknowledgement {

  /** A rotation as activated: its state and, in a cluster, the epoch of its claim and its schedule key. */
  record Loaded(RotationState state, long epoch, long scheduleKey) {}

  /** Loads (in a cluster: claims, then loads) a rotation; null when the store does not know it. */
  Future<Loaded> load(long id, int partition);

  /** The lifecycle took the loaded rotation into memory; picks may follow. */
  void attach(long id, Loaded loaded);

  /** The rotation left memory: its later picks come from a new {@link #load}. */
  void detach(long id);

  /**
   * A pick applied in memory, {@code after} the rotation as it stands after it. Completes once the pick is
   * acknowledged (queued for write-behind: at once on a single node; after the replica holds it in a cluster);
   * fails when it is not, and then every later pick of the rotation fails too.
   */
  Future<Void> pick(long id, UserPicked picked, RotationState after);

  /** Whether every pick of the rotation is acknowledged (none waits for the replica). */
  boolean settled(long id);

  /** Completes once {@link #settled}; fails with the cause when a pending pick was not acknowledged. */
  Future<Void> whenSettled(long id);

  /** Writes a configuration change through to the store (fenced in a cluster). Only when {@link #settled}. */
  Future<Void> save(long id, RotationState before, RotationState next);

  /** Deletes the rotation once the write-behind has stored everything before it. Only when {@link #settled}. */
  Future<Void> delete(long id);

  /**
   * The rotation leaves memory cleanly: once {@code numbersBack} (its unused numbers given back) completes, a
   * cluster forgets its replica entry, under the claim held now. Best effort, never fails.
   */
  Future<Void> release(long id, Future<Void> numbersBack);

  /** Picks not yet in the store: the write-behind backlog plus the picks not yet acknowledged. */
  int buffered();

  /** Picks applied in memory but not yet acknowledged. */
  int unacknowledged();

  /** Completes once no pick waits to be acknowledged (graceful stop). */
  Future<Void> idle();
}
