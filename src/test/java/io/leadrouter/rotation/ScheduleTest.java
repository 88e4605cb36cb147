package io.leadrouter.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ScheduleTest {

  private static String order(int... weights) {
    Schedule s = Schedule.of(weights);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      b.append((char) ('a' + s.memberAt(i)));
    }
    return b.toString();
  }

  @Test
  void picksFollowWeightsInSmoothOrder() {
    assertThat(order(3, 1, 1)).isEqualTo("abaca");
    assertThat(order(1, 1, 1)).isEqualTo("abc");
    assertThat(order(5, 1, 1)).isEqualTo("aabacaa");
    assertThat(order(2, 1)).isEqualTo("aba");
    assertThat(order(1, 2)).isEqualTo("bab");
    assertThat(order(4, 2, 1)).isEqualTo("abacaba");
    assertThat(order(3, 3)).isEqualTo("ababab");
    assertThat(order(7)).isEqualTo("aaaaaaa");
  }

  @Test
  void tiesGoToTheEarlierMember() {
    assertThat(order(1, 1)).isEqualTo("ab");
    assertThat(order(2, 2, 2)).isEqualTo("abcabc");
  }

  @Test
  void lengthIsTheSumOfWeightsAndEachMemberGetsItsWeight() {
    int[] weights = {10, 1, 7, 3, 3, 9, 2};
    Schedule s = Schedule.of(weights);
    assertThat(s.length()).isEqualTo(IntStream.of(weights).sum());
    int[] counts = new int[weights.length];
    for (int i = 0; i < s.length(); i++) {
      counts[s.memberAt(i)]++;
    }
    assertThat(counts).containsExactly(weights);
  }

  @Test
  void exactCountsOverAHundredCycles() {
    int[] weights = {3, 1, 1, 5, 10};
    Schedule s = Schedule.of(weights);
    int[] counts = new int[weights.length];
    int position = 0;
    for (int pick = 0; pick < 100 * s.length(); pick++) {
      counts[s.memberAt(position)]++;
      position = (position + 1) % s.length();
    }
    assertThat(counts).containsExactly(300, 100, 100, 500, 1000);
  }

  @Test
  void noMembersGiveAnEmptySchedule() {
    assertThat(Schedule.of().isEmpty()).isTrue();
  }

  @Test
  void nonPositiveWeightsAreRefused() {
    assertThatThrownBy(() -> Schedule.of(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  /** The original O(members x slots) nginx walk, kept as the reference the fast build must match. */
  private static int[] reference(int... weights) {
    int length = IntStream.of(weights).sum();
    int[] slots = new int[length];
    long[] current = new long[weights.length];
    for (int step = 0; step < length; step++) {
      int best = 0;
      long bestValue = Long.MIN_VALUE;
      for (int m = 0; m < weights.length; m++) {
        current[m] += weights[m];
        if (current[m] > bestValue) {
          bestValue = current[m];
          best = m;
        }
      }
      current[best] -= length;
      slots[step] = best;
    }
    return slots;
  }

  @Test
  void buildsTheSameSequenceAsTheReferenceWalkOnRandomWeights() {
    Random random = new Random(12);
    for (int round = 0; round < 400; round++) {
      int n = 1 + random.nextInt(round < 300 ? 12 : 300);
      int maxWeight = 1 + random.nextInt(round % 3 == 0 ? 40 : 10);
      int[] weights = new int[n];
      for (int i = 0; i < n; i++) {
        weights[i] = 1 + random.nextInt(maxWeight);
      }
      assertThat(Schedule.of(weights).toArray()).as("weights %s", java.util.Arrays.toString(weights))
          .containsExactly(reference(weights));
    }
  }

  @Test
  void aTenThousandMemberScheduleMatchesTheReference() {
    int[] weights = new int[10_000];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = 1 + (i * 7 + i / 13) % 10;
    }
    assertThat(Schedule.of(weights).toArray()).containsExactly(reference(weights));
  }

  @Test
  void distanceToNextGoesRoundTheCycle() {
    Schedule s = Schedule.of(3, 1, 1); // a b a c a
    assertThat(s.distanceToNext(0, 0)).isZero();
    assertThat(s.distanceToNext(1, 0)).isEqualTo(1);
    assertThat(s.distanceToNext(1, 2)).isEqualTo(4); // b at slot 1 of the next cycle
    assertThat(s.distanceToNext(2, 4)).isEqualTo(4);
    assertThat(s.distanceToNext(0, 4)).isZero();
  }
}
