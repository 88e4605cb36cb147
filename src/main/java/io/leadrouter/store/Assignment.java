package io.leadrouter.store;

import io.leadrouter.rotation.Rotation;
import java.time.Instant;
import java.util.List;

/**
 * One row of the assignment log: pick number {@code sequence} of a rotation went to {@code userId}.
 * {@code skipped}: the members passed over by this pick, with why (never null). {@code repayment}: the pick
 * repaid an owed turn (catch-up). {@code fallbackFrom}: for a pick made because rotation {@code fallbackFrom}
 * had nobody eligible, that rotation's id (null otherwise).
 */
public record Assignment(long rotationId, String accountId, long sequence, long userId, String email,
    int position, Instant pickedAt, String requestId, String node, List<Rotation.Skip> skipped, boolean repayment,
    Long fallbackFrom) {

  public Assignment {
    skipped = skipped == null ? List.of() : List.copyOf(skipped);
  }

  /** Nobody skipped, not a repayment, not a fallback. */
  public Assignment(long rotationId, String accountId, long sequence, long userId, String email, int position,
      Instant pickedAt, String requestId, String node) {
    this(rotationId, accountId, sequence, userId, email, position, pickedAt, requestId, node, List.of(), false, null);
  }
}
