package io.leadrouter.leads;

/**
 * The stored state of one Idempotency-Key: which request claimed it ({@code requestHash}); the token of
 * the claim that runs it ({@code claimToken}, null when nobody does); whether the claim is {@code free}
 * (nobody runs it, or its claimant stopped renewing its lease: crashed, or a node that is gone) so that a
 * retry takes it over; the pick an attempt recorded for it ({@code pick}, or null); and, once done, the
 * response to replay ({@code status}, {@code body}; null until then).
 */
public record Idempotency(String requestHash, Integer status, String body, String claimToken, boolean free,
    RecordedPick pick) {

  public boolean done() {
    return status != null;
  }

  /** Whether the claim with {@code token} holds the key (and runs its request). */
  public boolean heldBy(String token) {
    return !done() && token.equals(claimToken);
  }
}
