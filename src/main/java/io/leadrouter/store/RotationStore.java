package io.leadrouter.store;

import io.leadrouter.rotation.RotationState;
import io.vertx.core.Future;
import java.util.List;

/**
 * The rotations as their owners keep them: configuration written through, progress (position, sequence)
 * written behind in batches, and the reserved sequence ceiling. Every method is asynchronous and never blocks
 * the caller's event loop. Rotation reads by id are not scoped by account: the owner checks the account on
 * every command.
 */
public interface RotationStore {

  Future<RotationState> createRotation(NewRotation rotation);

  /** The rotation with this id, or a null result when there is none (or it was deleted). */
  Future<StoredRotation> loadRotation(long id);

  /** Write-through of configuration (name, team, members, status) together with position and sequence. */
  Future<Void> saveRotation(RotationState state);

  Future<Void> deleteRotation(long id);

  /** The account's rotations, filtered and paged. */
  Future<Page<RotationState>> listRotations(String accountId, RotationFilter filter);

  /** Raises the reserved ceiling of a rotation's sequence numbers to at least {@code ceiling}; returns the stored one. */
  Future<Long> reserveSequences(long rotationId, long ceiling);

  /** One rotation's part of {@link #releaseSequences}. */
  record SequenceRelease(long rotationId, long sequence, long expectedCeiling) {}

  /**
   * Gives back the unused part of each rotation's reservation after it left memory cleanly (a stop,
   * passivation): sets the ceiling to {@code sequence} if the stored sequence already equals it (progress
   * flushed). A rotation whose stored ceiling equals its stored sequence stopped cleanly and resumes with no
   * gap. Only a ceiling still at {@code expectedCeiling} (the releasing owner's own reservation) is lowered:
   * a newer owner's reservation is never given back. One statement: all or nothing, it fails when that
   * statement fails. The caller bounds how many go in one call (a thousand at a time).
   */
  Future<Void> releaseSequences(List<SequenceRelease> releases);

  /** Applies one write-behind batch (progress and assignment-log rows); idempotent (see {@link WriteBatch}). */
  Future<Void> flush(WriteBatch batch);
}
