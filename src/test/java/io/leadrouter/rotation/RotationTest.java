package io.leadrouter.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RotationTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String ACCOUNT = "2311";

  private static Member m(long id, int weight) {
    return new Member(id, "u" + id + "@example.com", "User " + id, weight);
  }

  private static Rotation rotation(Status status, Member... members) {
    return new Rotation(new RotationState(7, ACCOUNT, "r", status, null, List.of(members), 0, 0, T0, T0, "a", "a"));
  }

  private static Rotation.UserPicked pick(Rotation r) {
    Rotation.Decision d = r.decide(new Rotation.Pick(ACCOUNT, 7, null), T0);
    assertThat(d.accepted()).as("pick accepted: %s", d.rejection()).isTrue();
    r.apply(d.event());
    return (Rotation.UserPicked) d.event();
  }

  private static String picks(Rotation r, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append((char) ('a' + pick(r).member().userId() - 1));
    }
    return b.toString();
  }

  private static void update(Rotation r, Member... members) {
    Rotation.Decision d = r.decide(new Rotation.Update(ACCOUNT, 7, null, false, null, List.of(members), "b"), T0);
    r.apply(d.event());
  }

  @Test
  void picksFollowTheScheduleAndNumberEachPick() {
    Rotation r = rotation(Status.ACTIVE, m(1, 3), m(2, 1), m(3, 1));
    List<Long> sequences = new ArrayList<>();
    StringBuilder order = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      Rotation.UserPicked p = pick(r);
      sequences.add(p.sequence());
      order.append((char) ('a' + p.member().userId() - 1));
    }
    assertThat(order.toString()).isEqualTo("abacaabaca");
    assertThat(sequences).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
  }

  @Test
  void aPickReportsPositionsAndTheNextUser() {
    Rotation r = rotation(Status.ACTIVE, m(1, 3), m(2, 1), m(3, 1));
    pick(r);
    Rotation.UserPicked second = pick(r);
    assertThat(second.position()).isEqualTo(1);
    assertThat(second.newPosition()).isEqualTo(2);
    assertThat(second.member().userId()).isEqualTo(2);
    assertThat(second.nextMember().userId()).isEqualTo(1);
    pick(r);
    pick(r);
    Rotation.UserPicked fifth = pick(r);
    assertThat(fifth.position()).isEqualTo(4);
    assertThat(fifth.newPosition()).isZero();
  }

  @Test
  void editMidCycleContinuesAfterTheLastPickedMember() {
    Rotation r = rotation(Status.ACTIVE, m(1, 3), m(2, 1), m(3, 1));
    assertThat(picks(r, 2)).isEqualTo("ab"); // schedule a b a c a; b was picked last
    update(r, m(1, 3), m(2, 1), m(3, 1), m(4, 1)); // new schedule a b a c d a
    assertThat(picks(r, 6)).isEqualTo("acdaab");
    assertThat(r.state().sequence()).isEqualTo(8);
  }

  @Test
  void weightEditKeepsTheTurnOfTheLastPickedMember() {
    Rotation r = rotation(Status.ACTIVE, m(1, 1), m(2, 1), m(3, 1));
    assertThat(picks(r, 2)).isEqualTo("ab");
    update(r, m(1, 1), m(2, 1), m(3, 2)); // schedule c a b c: after b comes c
    assertThat(picks(r, 4)).isEqualTo("ccab");
  }

  @Test
  void removedMembersAreNeverPickedAndTheTurnPassesOn() {
    Rotation r = rotation(Status.ACTIVE, m(1, 1), m(2, 1), m(3, 1), m(4, 1));
    assertThat(picks(r, 2)).isEqualTo("ab");
    update(r, m(1, 1), m(3, 1), m(4, 1)); // b (last picked) removed: continue after a, the last survivor picked
    String after = picks(r, 30);
    assertThat(after).startsWith("cda").doesNotContain("b");
  }

  @Test
  void nothingPickedYetStartsAtTheTop() {
    Rotation r = rotation(Status.ACTIVE, m(1, 1), m(2, 1));
    update(r, m(2, 1), m(1, 1));
    assertThat(picks(r, 2)).isEqualTo("ba");
  }

  @Test
  void archivedAndQueuedRotationsRejectPicksAndChangeNothing() {
    for (Status s : List.of(Status.ARCHIVED, Status.QUEUED)) {
      Rotation r = rotation(s, m(1, 1));
      Rotation.Decision d = r.decide(new Rotation.Pick(ACCOUNT, 7, null), T0);
      assertThat(d.accepted()).isFalse();
      assertThat(d.rejection().reason()).isEqualTo(Rotation.Reason.CONFLICT);
      assertThat(d.rejection().message()).contains(s.wire());
      assertThat(r.state().sequence()).isZero();
    }
  }

  @Test
  void aRotationWithoutMembersRejectsPicks() {
    Rotation r = rotation(Status.ACTIVE);
    Rotation.Decision d = r.decide(new Rotation.Pick(ACCOUNT, 7, null), T0);
    assertThat(d.rejection().reason()).isEqualTo(Rotation.Reason.CONFLICT);
    assertThat(d.rejection().message()).contains("no members");
  }

  @Test
  void anotherAccountSeesNoRotation() {
    Rotation r = rotation(Status.ACTIVE, m(1, 1));
    Rotation.Decision d = r.decide(new Rotation.Pick("other", 7, null), T0);
    assertThat(d.rejection().reason()).isEqualTo(Rotation.Reason.NOT_FOUND);
  }
}
