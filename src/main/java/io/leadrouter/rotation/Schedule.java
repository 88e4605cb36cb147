package io.leadrouter.rotation;

import java.util.Arrays;
import java.util.List;

/**
 * The smooth weighted round robin (nginx) sequence over a list of weights.
 *
 * <p>Invariants: {@code length() == sum(weights)}; slot {@code i} holds the index of the member picked at
 * step {@code i} of one cycle; member {@code m} occupies exactly {@code weights[m]} slots; ties go to the
 * earlier member. Picking is {@code slots[position]}, O(1). Immutable and safe to share.
 */
public final class Schedule {

  private final int[] slots;

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
    int n = weights.length;
    int[] slots = new int[length];
    long[] current = new long[n];
    for (int step = 0; step < length; step++) {
      int best = 0;
      long bestValue = Long.MIN_VALUE;
      for (int m = 0; m < n; m++) {
        long c = current[m] + weights[m];
        current[m] = c;
        // strict '>' keeps the earlier member on ties
        if (c > bestValue) {
          bestValue = c;
          best = m;
        }
      }
      current[best] -= length;
      slots[step] = best;
    }
    return new Schedule(slots);
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

  int[] toArray() {
    return Arrays.copyOf(slots, slots.length);
  }
}
