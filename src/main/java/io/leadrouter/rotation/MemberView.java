package io.leadrouter.rotation;

import java.time.Instant;

/**
 * A member as it stands now: its settings (weight, paused, caps in {@code member}), its picks in the current
 * cap periods, owed turns, why it is not eligible ({@code reason} null: eligible) and when it next may be
 * ({@code nextEligible}: now when eligible, null when unknown, e.g. inactive or paused).
 */
public record MemberView(Member member, Ledger.Counts counts, int owed, SkipReason reason, Instant nextEligible) {

  public boolean eligible() {
    return reason == null;
  }
}
