package io.leadrouter.rotation;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Eligibility and the choice of the next member for one configuration of a rotation (members, schedule,
 * time zone, catch-up); a new one is made when the configuration changes. The rules are in {@link Rotation}.
 *
 * <p>Cache: what depends on the directory and the clock only (inactive, paused, away, outside hours) is kept
 * per member with the instant it may next change; it is recomputed for the members whose instant has passed,
 * for all of them when another view or version is handed in or the clock goes back. Caps are checked on
 * every pick from the ledger (O(1) per member). So with everyone eligible a pick costs a few comparisons.
 * Not thread-safe: used by its rotation's single owner.
 */
final class Picker {

  /** A choice: member index, the slot used, where the rotation then stands, who was passed over. */
  record Choice(int member, int position, int newPosition, List<Rotation.Skip> skipped, boolean repayment) {}

  private final List<Member> members;
  private final Schedule schedule;
  private final ZoneId zone;
  private final boolean catchUp;
  private final Map<Long, Integer> indexOf = new HashMap<>();
  private final SkipReason[] standing;
  private final Instant[] until;
  private DirectoryView seen;
  private long seenVersion;
  private Instant computedAt;
  private Instant horizon;
  private Periods periods;

  Picker(List<Member> members, Schedule schedule, ZoneId zone, boolean catchUp) {
    this.members = members;
    this.schedule = schedule;
    this.zone = zone;
    this.catchUp = catchUp;
    for (int i = 0; i < members.size(); i++) {
      indexOf.put(members.get(i).userId(), i);
    }
    standing = new SkipReason[members.size()];
    until = new Instant[members.size()];
  }

  /** Brings the cached eligibility up to {@code now} and {@code view}. */
  void refresh(Instant now, DirectoryView view) {
    boolean all = view != seen || view.version() != seenVersion || computedAt == null || now.isBefore(computedAt);
    if (!all && now.isBefore(horizon)) {
      return;
    }
    Instant earliest = Instant.MAX;
    for (int i = 0; i < standing.length; i++) {
      if (all || !now.isBefore(until[i])) {
        evaluate(i, now, view);
      }
      if (until[i].isBefore(earliest)) {
        earliest = until[i];
      }
    }
    seen = view;
    seenVersion = view.version();
    computedAt = now;
    horizon = earliest;
  }

  private void evaluate(int i, Instant now, DirectoryView view) {
    Member m = members.get(i);
    Availability a = view.availability(m.userId());
    a = a == null ? Availability.INACTIVE : a;
    if (a.active() && m.paused()) {
      standing[i] = SkipReason.PAUSED;
      until[i] = Instant.MAX;
    } else {
      standing[i] = a.reason(now);
      Instant change = a.nextChange(now);
      until[i] = change == null ? Instant.MAX : change;
    }
  }

  /** The cap periods of {@code now} in the rotation's zone (cached for the current clock hour). */
  Periods periods(Instant now) {
    Periods p = periods;
    if (p == null || !p.covers(now)) {
      p = Periods.at(now, zone);
      periods = p;
    }
    return p;
  }

  /** Why member {@code i} cannot be picked (after {@link #refresh}), or null. */
  SkipReason reason(int i, Ledger ledger, Instant now) {
    SkipReason r = standing[i];
    if (r != null) {
      return r;
    }
    Member m = members.get(i);
    if (m.caps().isEmpty()) {
      return null;
    }
    Ledger.Counts c = ledger.counts(m.userId(), periods(now));
    return m.caps().reached(c.hour(), c.day(), c.week());
  }

  /** The next pick from {@code position} with {@code ledger}, or null when nobody is eligible. */
  Choice choose(int position, Ledger ledger, Instant now) {
    if (catchUp && !ledger.lastRepaid() && !ledger.owed().isEmpty()) {
      Choice repay = repayment(position, ledger, now);
      if (repay != null) {
        return repay;
      }
    }
    int length = schedule.length();
    List<Rotation.Skip> skipped = null;
    int slot = position;
    for (int k = 0; k < length; k++) {
      int m = schedule.memberAt(slot);
      int next = slot + 1 == length ? 0 : slot + 1;
      SkipReason r = reason(m, ledger, now);
      if (r == null) {
        return new Choice(m, slot, next, skipped == null ? List.of() : List.copyOf(skipped), false);
      }
      if (skipped == null) {
        skipped = new ArrayList<>();
      }
      skipped.add(new Rotation.Skip(members.get(m).userId(), r));
      slot = next;
    }
    return null;
  }

  /** Most owed first; among equals, the one whose slot comes first from {@code position} in the cycle. */
  private Choice repayment(int position, Ledger ledger, Instant now) {
    int best = -1;
    int bestOwed = 0;
    int bestDistance = Integer.MAX_VALUE;
    for (Map.Entry<Long, Integer> e : ledger.owed().entrySet()) {
      Integer i = indexOf.get(e.getKey());
      if (i == null || reason(i, ledger, now) != null) {
        continue;
      }
      int owed = e.getValue();
      int distance = schedule.distanceToNext(i, position);
      if (owed > bestOwed || (owed == bestOwed && distance < bestDistance)) {
        best = i;
        bestOwed = owed;
        bestDistance = distance;
      }
    }
    return best < 0 ? null : new Choice(best, position, position, List.of(), true);
  }

  /** The ledger after a pick of {@code member} at {@code at}: its cap counts and the owed turns. */
  Ledger advance(Ledger ledger, Member member, List<Rotation.Skip> skipped, boolean repayment, Instant at) {
    Ledger next = member.caps().isEmpty() ? ledger : ledger.counted(member.userId(), periods(at));
    if (!catchUp) {
      return next;
    }
    Map<Long, Integer> delta = Map.of();
    if (repayment || !skipped.isEmpty()) {
      delta = new HashMap<>();
      for (Rotation.Skip s : skipped) {
        if (s.reason().owesTurn()) {
          delta.merge(s.userId(), 1, Integer::sum);
        }
      }
      if (repayment) {
        delta.merge(member.userId(), -1, Integer::sum);
      }
    }
    return next.turns(delta, repayment);
  }

  /** Every member with its reason now ({@code null}: eligible). */
  List<Rotation.Skip> explain(Ledger ledger, Instant now) {
    List<Rotation.Skip> out = new ArrayList<>(members.size());
    for (int i = 0; i < members.size(); i++) {
      out.add(new Rotation.Skip(members.get(i).userId(), reason(i, ledger, now)));
    }
    return out;
  }

  /** When member {@code i}, ineligible for {@code reason}, next may be eligible; null when unknown. */
  Instant nextEligible(int i, SkipReason reason, Ledger ledger, Instant now, DirectoryView view) {
    if (reason == null) {
      return now;
    }
    if (reason == SkipReason.INACTIVE || reason == SkipReason.PAUSED) {
      return null;
    }
    Member m = members.get(i);
    Availability a = view.availability(m.userId());
    a = a == null ? Availability.INACTIVE : a;
    Instant t = now;
    for (int round = 0; round < 4 && t != null; round++) { // availability, then caps, until both hold
      t = a.nextAvailable(t);
      if (t == null) {
        return null;
      }
      Periods p = Periods.at(t, zone);
      Ledger.Counts c = ledger.counts(m.userId(), p);
      SkipReason cap = m.caps().reached(c.hour(), c.day(), c.week());
      if (cap == null) {
        return t;
      }
      t = p.nextStart(cap, zone);
    }
    return t;
  }

  /** See {@link Rotation#preview}; {@link #refresh} first. */
  Rotation.Plan preview(long rotationId, int count, int position, Ledger ledger, Instant now) {
    List<Rotation.Planned> out = new ArrayList<>(Math.max(0, count));
    for (int i = 0; i < count; i++) {
      Choice c = choose(position, ledger, now);
      if (c == null) {
        return new Rotation.Plan(out, explain(ledger, now));
      }
      Member m = members.get(c.member());
      out.add(new Rotation.Planned(rotationId, m, c.skipped(), c.repayment(), null));
      ledger = advance(ledger, m, c.skipped(), c.repayment(), now);
      position = c.newPosition();
    }
    return new Rotation.Plan(out, null);
  }

  /** See {@link Rotation#members}; {@link #refresh} first. */
  List<MemberView> views(Ledger ledger, Instant now, DirectoryView view) {
    Periods p = Periods.at(now, zone);
    List<MemberView> out = new ArrayList<>(members.size());
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      SkipReason r = reason(i, ledger, now);
      out.add(new MemberView(m, ledger.counts(m.userId(), p), ledger.owed(m.userId()), r,
          nextEligible(i, r, ledger, now, view)));
    }
    return out;
  }

  /** "user 1: away, user 2: paused" for the first ten. */
  static String describe(List<Rotation.Skip> all) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < all.size() && i < 10; i++) {
      b.append(i == 0 ? "" : ", ").append("user ").append(all.get(i).userId()).append(": ")
          .append(all.get(i).reason().wire());
    }
    return b.append(all.size() > 10 ? ", ..." : "").toString();
  }
}
