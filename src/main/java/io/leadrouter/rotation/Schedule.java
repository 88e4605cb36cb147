package io.leadrouter.rotation;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The smooth weighted round robin (nginx) sequence over a list of weights.
 *
 * <p>Invariants: {@code length() == sum(weights)}; slot {@code i} holds the index of the member picked at
 * step {@code i} of one cycle; member {@code m} occupies exactly {@code weights[m]} slots; ties go to the
 * earlier member. Picking is {@code slots[position]}, O(1). Immutable and safe to share.
 *
 * <p>Building is O(slots x distinct weights), not O(slots x members): members of equal weight keep a fixed
 * order among themselves (see {@link #smooth}), so each step compares one candidate per distinct weight.
 * With weights 1..10 a 10,000-member schedule (55,000 slots) costs about half a million comparisons.
 */
public final class Schedule {

  private final int[] slots;
  private volatile int[][] bySlot; // per member its slots ascending; built on first use

  private Schedule(int[] slots) {
    this.slots = slots;
  }

  public static Schedule of(int... weights) {
    long total = 0;
    for (int w : weights) {
      if (w < 1) {
        throw new IllegalArgumentException("weights must be positive, got " + w);
      }
      total += w;
    }
    if (total > Integer.MAX_VALUE / 4) {
      throw new IllegalArgumentException("schedule too long: " + total);
    }
    int length = (int) total;
    int[] slots = new int[length];
    smooth(weights, length, slots);
    return new Schedule(slots);
  }

  /**
   * The nginx walk, {@code current[m] += weights[m]} for all m, pick the largest (earliest on ties),
   * {@code current[pick] -= length}, computed by groups of equal weight. After step t (1-based), before the
   * subtraction, {@code current[m] = t * w[m] - length * picks[m]}. Within a group of weight w the largest is
   * the member with the fewest picks, ties to the earliest: picks go round the group in index order, so the
   * group's candidate is {@code group[k % size]} with {@code k / size} picks, k being the group's picks so far.
   * Among the group candidates the largest value wins, ties to the smallest member index: exactly the
   * original walk's choice.
   */
  private static void smooth(int[] weights, int length, int[] slots) {
    int n = weights.length;
    if (n == 0) {
      return;
    }
    int[] order = new int[n]; // member indices sorted by weight, then index
    int[] distinct = groupByWeight(weights, order);
    int groups = distinct.length - 1;
    long[] w = new long[groups];
    int[] from = new int[groups];
    int[] size = new int[groups];
    long[] picked = new long[groups];
    for (int g = 0; g < groups; g++) {
      from[g] = distinct[g];
      size[g] = distinct[g + 1] - distinct[g];
      w[g] = weights[order[from[g]]];
    }
    for (int t = 1; t <= length; t++) {
      int best = -1;
      int bestMember = Integer.MAX_VALUE;
      long bestValue = Long.MIN_VALUE;
      for (int g = 0; g < groups; g++) {
        long k = picked[g];
        int member = order[from[g] + (int) (k % size[g])];
        long value = t * w[g] - length * (k / size[g]);
        if (value > bestValue || (value == bestValue && member < bestMember)) {
          best = g;
          bestValue = value;
          bestMember = member;
        }
      }
      picked[best]++;
      slots[t - 1] = bestMember;
    }
  }

  /** Fills {@code order} with member indices by (weight, index); returns the group starts plus a final n. */
  private static int[] groupByWeight(int[] weights, int[] order) {
    int n = weights.length;
    long[] keys = new long[n];
    for (int m = 0; m < n; m++) {
      keys[m] = ((long) weights[m] << 32) | m;
    }
    Arrays.sort(keys);
    int[] starts = new int[n + 1];
    int groups = 0;
    for (int i = 0; i < n; i++) {
      order[i] = (int) keys[i];
      if (i == 0 || (keys[i] >>> 32) != (keys[i - 1] >>> 32)) {
        starts[groups++] = i;
      }
    }
    starts[groups] = n;
    return Arrays.copyOf(starts, groups + 1);
  }

  public static Schedule ofMembers(List<Member> members) {
    int[] weights = new int[members.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = members.get(i).weight();
    }
    return of(weights);
  }

  /** Index of the member at {@code position}; {@code position} must be in {@code [0, length())}. */
  public int memberAt(int position) {
    return slots[position];
  }

  public int length() {
    return slots.length;
  }

  public boolean isEmpty() {
    return slots.length == 0;
  }

  /** Number of slots of {@code member} in {@code [0, end)}. */
  int occurrencesBefore(int member, int end) {
    int count = 0;
    for (int i = 0; i < end; i++) {
      if (slots[i] == member) {
        count++;
      }
    }
    return count;
  }

  /** Slot of the {@code k}-th (1-based) occurrence of {@code member}, or -1 if it has fewer. */
  int occurrence(int member, int k) {
    int seen = 0;
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] == member && ++seen == k) {
        return i;
      }
    }
    return -1;
  }

  /**
   * How many slots from {@code from} (inclusive) to the next slot of {@code member}, going round the cycle;
   * {@code length()} if it has none. O(log weight) after a one-off O(length) index.
   */
  int distanceToNext(int member, int from) {
    int[][] index = bySlot;
    if (index == null) {
      index = buildIndex();
      bySlot = index;
    }
    int[] own = member < index.length ? index[member] : new int[0];
    if (own.length == 0) {
      return slots.length;
    }
    int i = Arrays.binarySearch(own, from);
    int at = i >= 0 ? own[i] : (-i - 1 < own.length ? own[-i - 1] : own[0] + slots.length);
    return at - from;
  }

  private int[][] buildIndex() {
    int members = 0;
    for (int m : slots) {
      members = Math.max(members, m + 1);
    }
    int[] count = new int[members];
    for (int m : slots) {
      count[m]++;
    }
    int[][] index = new int[members][];
    for (int m = 0; m < members; m++) {
      index[m] = new int[count[m]];
      count[m] = 0;
    }
    for (int i = 0; i < slots.length; i++) {
      index[slots[i]][count[slots[i]]++] = i;
    }
    return index;
  }

  /**
   * Where picking resumes in {@code next} after a membership or weight edit: right after the slot of the
   * most recently picked member that is still present (its k-th occurrence, k counted within the current
   * cycle, capped by its slots in the new schedule). Never restarts the cycle unless nothing was picked yet
   * or no recently picked member survived.
   */
  static int continuePosition(Schedule schedule, RotationState state, Schedule next, List<Member> nextMembers) {
    if (next.isEmpty() || schedule.isEmpty() || state.sequence() == 0) {
      return 0;
    }
    Map<Long, Integer> nextIndex = new HashMap<>();
    for (int i = 0; i < nextMembers.size(); i++) {
      nextIndex.put(nextMembers.get(i).userId(), i);
    }
    int length = schedule.length();
    // walk back from the last pick to the most recent member that survived the edit
    for (int back = 1; back <= length; back++) {
      int slot = Math.floorMod(state.position() - back, length);
      Member picked = state.members().get(schedule.memberAt(slot));
      Integer survivor = nextIndex.get(picked.userId());
      if (survivor != null) {
        int k = schedule.occurrencesBefore(schedule.memberAt(slot), slot + 1);
        int available = next.occurrencesBefore(survivor, next.length());
        int at = next.occurrence(survivor, Math.min(k, available));
        return at + 1 == next.length() ? 0 : at + 1;
      }
    }
    return 0;
  }

  int[] toArray() {
    return Arrays.copyOf(slots, slots.length);
  }
}
