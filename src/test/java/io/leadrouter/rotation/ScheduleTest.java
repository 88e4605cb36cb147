package io.leadrouter.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
