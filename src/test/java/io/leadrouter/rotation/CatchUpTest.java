package io.leadrouter.rotation;

import static io.leadrouter.rotation.EligibilityTest.awayUntil;
import static io.leadrouter.rotation.EligibilityTest.capped;
import static io.leadrouter.rotation.EligibilityTest.m;
import static io.leadrouter.rotation.EligibilityTest.pick;
import static io.leadrouter.rotation.EligibilityTest.picks;
import static io.leadrouter.rotation.EligibilityTest.rotation;
import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.rotation.EligibilityTest.Directory;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CatchUpTest {

  private static final Instant T = Instant.parse("2026-03-02T10:00:00Z");
  private static final Instant BACK = T.plusSeconds(3600);

  @Test
  void aReturningMemberIsRepaidEveryOtherPickThenTheWeightsResume() {
    Rotation r = rotation(ZoneOffset.UTC, true, m(1, 1), m(2, 1), m(3, 1));
    Directory d = new Directory(1, 3).set(2, awayUntil(BACK));
    assertThat(picks(r, 6, T, d)).isEqualTo("acacac");
    assertThat(r.state().ledger().owed()).containsExactly(Map.entry(2L, 3));
    List<Rotation.UserPicked> after = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      after.add(pick(r, BACK, d));
    }
    StringBuilder order = new StringBuilder();
    after.forEach(p -> order.append((char) ('a' + p.member().userId() - 1)).append(p.repayment() ? "*" : ""));
    // position stood at a: repay b, a, repay b, b (its own slot), repay b, c, then the schedule
    assertThat(order.toString()).isEqualTo("b*ab*bb*cabcabc");
    assertThat(after.stream().filter(Rotation.UserPicked::repayment).count()).isEqualTo(3);
    assertThat(after.stream().filter(p -> p.repayment()).allMatch(p -> p.position() == p.newPosition())).isTrue();
    Map<Long, Integer> counts = counts(after);
    assertThat(counts).containsEntry(1L, 3).containsEntry(2L, 3 + 3).containsEntry(3L, 3);
    assertThat(r.state().ledger().owed()).isEmpty();
    assertThat(r.state().sequence()).isEqualTo(18);
  }

  @Test
  void repaymentsNeverComeTwiceInARowAndCountsReturnToTheWeights() {
    Random random = new Random(5);
    for (int round = 0; round < 40; round++) {
      int n = 2 + random.nextInt(6);
      Member[] members = new Member[n];
      int total = 0;
      for (int i = 0; i < n; i++) {
        members[i] = m(i + 1, 1 + random.nextInt(5));
        total += members[i].weight();
      }
      Rotation r = rotation(ZoneOffset.UTC, true, members);
      Directory d = new Directory();
      for (int i = 0; i < n; i++) {
        d.set(i + 1, i % 2 == 1 ? awayUntil(BACK) : Availability.ALWAYS);
      }
      d.set(1, Availability.ALWAYS); // at least one eligible while the others are away
      for (int i = 0; i < 5 + random.nextInt(30); i++) {
        pick(r, T, d);
      }
      Map<Long, Integer> owed = new HashMap<>(r.state().ledger().owed());
      int owedTotal = owed.values().stream().mapToInt(Integer::intValue).sum();
      // a window of whole cycles plus the owed turns, everyone eligible; at most every other pick repays,
      // so the cycles must hold at least as many picks as are owed
      int cycles = (owedTotal + total - 1) / total + random.nextInt(3);
      List<Rotation.UserPicked> window = new ArrayList<>();
      for (int i = 0; i < cycles * total + owedTotal; i++) {
        window.add(pick(r, BACK, d));
      }
      for (int i = 1; i < window.size(); i++) {
        assertThat(window.get(i - 1).repayment() && window.get(i).repayment()).as("two repayments in a row").isFalse();
      }
      Map<Long, Integer> counts = counts(window);
      for (Member m : members) {
        assertThat(counts.getOrDefault(m.userId(), 0)).as("round %d member %d", round, m.userId())
            .isEqualTo(cycles * m.weight() + owed.getOrDefault(m.userId(), 0));
      }
      assertThat(r.state().ledger().owed()).isEmpty();
    }
  }

  @Test
  void mostOwedIsRepaidFirstThenTheEarliestInCycleOrder() {
    Rotation r = rotation(ZoneOffset.UTC, true, m(1, 1), m(2, 1), m(3, 1), m(4, 1)); // a b c d
    Directory d = new Directory(1).set(2, awayUntil(BACK)).set(3, awayUntil(BACK)).set(4, awayUntil(BACK));
    assertThat(picks(r, 3, T, d)).isEqualTo("aaa");
    assertThat(r.state().ledger().owed()).containsEntry(2L, 2).containsEntry(3L, 2).containsEntry(4L, 2);
    d.set(3, Availability.ALWAYS);
    Rotation.UserPicked repaid = pick(r, T, d); // only c is back: repaid, the position stays at b's slot
    assertThat(repaid.member().userId()).isEqualTo(3);
    assertThat(repaid.repayment()).isTrue();
    d.set(2, Availability.ALWAYS).set(4, Availability.ALWAYS);
    // no repayment right after one: b takes its own slot
    Rotation.UserPicked own = pick(r, BACK, d);
    assertThat(own.member().userId()).isEqualTo(2);
    assertThat(own.repayment()).isFalse();
    // owed: b 2, c 1, d 2; the position stands at c's slot: of b and d, d's slot comes first
    Rotation.UserPicked tie = pick(r, BACK, d);
    assertThat(tie.member().userId()).isEqualTo(4);
    assertThat(tie.repayment()).isTrue();
    assertThat(r.state().ledger().owed()).containsEntry(2L, 2).containsEntry(3L, 1).containsEntry(4L, 1);
  }

  @Test
  void capsAndInactiveUsersCreateNoDebt() {
    Rotation r = rotation(ZoneOffset.UTC, true, m(1, 1), capped(2, 1, new Caps(1, null, null)), m(3, 1));
    Directory d = new Directory(1, 2).set(3, Availability.INACTIVE);
    picks(r, 8, T, d);
    assertThat(r.state().ledger().owed()).isEmpty();
  }

  @Test
  void turningCatchUpOffForgetsOwedTurns() {
    Rotation r = rotation(ZoneOffset.UTC, true, m(1, 1), m(2, 1));
    Directory d = new Directory(1).set(2, awayUntil(BACK));
    picks(r, 3, T, d);
    assertThat(r.state().ledger().owed()).containsEntry(2L, 2); // one per slot skipped
    Rotation.Decision u = r.decide(new Rotation.Update("2311", 7, null, false, null, null, "x",
        new Rotation.Settings(ZoneOffset.UTC, false, null, false)), T);
    r.apply(u.event());
    assertThat(r.state().ledger().owed()).isEmpty();
    assertThat(r.state().catchUp()).isFalse();
  }

  private static Map<Long, Integer> counts(List<Rotation.UserPicked> picks) {
    Map<Long, Integer> counts = new HashMap<>();
    picks.forEach(p -> counts.merge(p.member().userId(), 1, Integer::sum));
    return counts;
  }
}
