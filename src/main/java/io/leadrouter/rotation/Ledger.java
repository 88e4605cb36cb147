package io.leadrouter.rotation;

import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * A rotation's durable pick bookkeeping beside position and sequence; persisted and replicated with them.
 *
 * <ul>
 *   <li>{@code hour}, {@code day}, {@code week}: the cap periods (see {@link Periods}) the counts belong to;
 *       null before the first counted pick.</li>
 *   <li>{@code counts}: per user id, picks in those periods; kept only for members with caps (a cap set
 *       mid-period starts counting at 0). A count of a period that has passed reads as 0.</li>
 *   <li>{@code owed}: per user id, turns owed under {@code catchUp} (only positive entries).</li>
 *   <li>{@code lastRepaid}: whether the last pick was a repayment (two never follow each other).</li>
 * </ul>
 */
public record Ledger(Instant hour, LocalDate day, LocalDate week, Map<Long, Counts> counts, Map<Long, Integer> owed,
    boolean lastRepaid) {

  /** Picks of one user in the ledger's hour, day and week. */
  public record Counts(int hour, int day, int week) {
    public static final Counts ZERO = new Counts(0, 0, 0);
  }

  public static final Ledger EMPTY = new Ledger(null, null, null, Map.of(), Map.of(), false);

  public Ledger {
    counts = Map.copyOf(counts);
    owed = Map.copyOf(owed);
  }

  /** The counts of {@code userId} as they stand in {@code now}'s periods. */
  public Counts counts(long userId, Periods now) {
    Counts c = counts.get(userId);
    if (c == null) {
      return Counts.ZERO;
    }
    return new Counts(now.hour().equals(hour) ? c.hour : 0, now.day().equals(day) ? c.day : 0,
        now.week().equals(week) ? c.week : 0);
  }

  public int owed(long userId) {
    return owed.getOrDefault(userId, 0);
  }

  /** One more pick of {@code userId} in {@code now}'s periods; counts of passed periods roll over to 0. */
  Ledger counted(long userId, Periods now) {
    Map<Long, Counts> next = new HashMap<>();
    boolean same = now.hour().equals(hour) && now.day().equals(day) && now.week().equals(week);
    for (Map.Entry<Long, Counts> e : counts.entrySet()) {
      Counts c = same ? e.getValue() : counts(e.getKey(), now);
      if (c.hour + c.day + c.week > 0) {
        next.put(e.getKey(), c);
      }
    }
    Counts c = next.getOrDefault(userId, Counts.ZERO);
    next.put(userId, new Counts(c.hour + 1, c.day + 1, c.week + 1));
    return new Ledger(now.hour(), now.day(), now.week(), next, owed, lastRepaid);
  }

  /** {@code delta} added to each user's owed turns (entries reaching 0 dropped), and the repayment flag. */
  Ledger turns(Map<Long, Integer> delta, boolean repaid) {
    if (delta.isEmpty() && repaid == lastRepaid) {
      return this;
    }
    Map<Long, Integer> next = new HashMap<>(owed);
    delta.forEach((user, d) -> next.merge(user, d, Integer::sum));
    next.values().removeIf(v -> v <= 0);
    return new Ledger(hour, day, week, counts, next, repaid);
  }

  /** Only the entries of users in {@code keep}; without {@code catchUp} no owed turns at all. */
  Ledger retain(java.util.Set<Long> keep, boolean catchUp) {
    Map<Long, Counts> c = new HashMap<>(counts);
    c.keySet().retainAll(keep);
    Map<Long, Integer> o = new HashMap<>(catchUp ? owed : Map.of());
    o.keySet().retainAll(keep);
    return new Ledger(hour, day, week, c, o, catchUp && lastRepaid);
  }
}
