package io.leadrouter.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Map;

/**
 * Reads of the assignment log (the history and stats of a rotation) and its retention. The log is written by
 * the owners' flushes ({@link RotationStore#flush}): the newest picks appear within one flush interval.
 */
public interface AssignmentLog {

  /**
   * Picks of a rotation, newest first (by pick time, then sequence), and the picks other rotations made as its
   * fallback (rows whose {@code fallbackFrom} is this rotation: their {@code rotationId} is the rotation that
   * made them). {@code userId}, {@code from}
   * (inclusive) and {@code to} (exclusive) filter when not null. Not scoped by account: check the rotation's
   * account first.
   */
  Future<Page<Assignment>> listAssignments(long rotationId, Long userId, Instant from, Instant to, int limit,
      int offset);

  /**
   * The rotation's own picks with a sequence above {@code afterSequence}: the newest {@code limit} of them,
   * oldest first, and in {@code total} how many there are in all (an event stream resumes from them).
   */
  Future<Page<Assignment>> picksAfter(long rotationId, long afterSequence, int limit);

  /** Number of picks per user id in [from, to) (null bounds are open), ordered by user id. */
  Future<Map<Long, Long>> countPicksByUser(long rotationId, Instant from, Instant to);

  /**
   * Per member user id, per skip reason (its wire name), how many picks in [from, to) passed it over (null
   * bounds are open). Only this rotation's own picks.
   */
  Future<Map<Long, Map<String, Long>>> countSkipsByUser(long rotationId, Instant from, Instant to);

  /** Deletes up to {@code limit} picks of the log made before {@code before} (retention); the number deleted. */
  Future<Integer> purgeAssignments(Instant before, int limit);
}
