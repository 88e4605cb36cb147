package io.leadrouter.owner;

import io.leadrouter.rotation.Ledger;
import io.leadrouter.store.Assignment;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/**
 * The replicated working copy of each active rotation's progress, held by a second member (cluster mode
 * only; a single node acknowledges picks from memory). Per rotation: an ownership {@code epoch}, the
 * position and sequence of the last acknowledged pick, and the picks the store does not have yet.
 *
 * <p>Fencing: {@link #claim} raises the epoch; every later write names the epoch it holds and is refused
 * ({@link ReplicaException.Kind#FENCED}) once another owner has claimed the rotation, and an append is
 * refused unless it continues exactly from the sequence the replica holds. So the accepted appends of a
 * rotation form one gap-free history, whoever thinks it owns the rotation.
 *
 * <p>Futures complete on the calling context.
 */
public interface Replica {

  /**
   * What a claim found. {@code seeded} false: the replica held no progress for the rotation (never picked
   * in this cluster, passivated, or lost with both of its copies), so the owner takes it from the store.
   * {@code scheduleKey} identifies the members and weights {@code position} belongs to. {@code ledger}: the cap
   * counts and owed turns after the last acknowledged pick (empty when unseeded).
   */
  record Claim(long epoch, boolean seeded, int position, long sequence, long scheduleKey, Ledger ledger,
      List<Assignment> pending) {}

  /**
   * Takes ownership of a rotation: raises its epoch (creating the entry, unseeded, if there is none) and
   * returns what the replica holds. Claim first, then read the store: a configuration change the previous
   * owner saves after this claim fails its own epoch check and is resent here.
   */
  Future<Claim> claim(long rotationId);

  /**
   * Records picks {@code fromSequence + 1 .. toSequence} (their log entries in {@code picks}, possibly none)
   * and the position and ledger after them; an unseeded entry accepts any {@code fromSequence}. Completes once a backup
   * member holds them too.
   */
  Future<Void> append(long rotationId, long epoch, long fromSequence, long toSequence, int position, Ledger ledger,
      long scheduleKey, List<Assignment> picks);

  /** Drops the log entries up to {@code sequence}: the store has them. Best effort. */
  Future<Void> trim(long rotationId, long epoch, long sequence);

  /** Removes the rotation (deleted, or passivated after the store got everything), if still held under {@code epoch}. */
  Future<Void> forget(long rotationId, long epoch);

  /**
   * The rotations of these partitions (owned here) whose replica holds picks the store does not have: a
   * member that died or left acknowledged them. The new owner activates them to write them to the store.
   */
  Future<List<Long>> unstored(Set<Integer> partitions);
}
