package io.leadrouter.rotation;

import static io.leadrouter.rotation.EligibilityTest.awayUntil;
import static io.leadrouter.rotation.EligibilityTest.capped;
import static io.leadrouter.rotation.EligibilityTest.m;
import static io.leadrouter.rotation.EligibilityTest.pick;
import static io.leadrouter.rotation.EligibilityTest.rotation;
import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.rotation.EligibilityTest.Directory;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PreviewTest {

  private static final Instant T = Instant.parse("2026-03-02T10:20:00Z");

  @Test
  void previewIsExactlyWhatTheNextPicksReturnAndChangesNothing() {
    Rotation r = rotation(ZoneId.of("Europe/Paris"), true, capped(1, 4, new Caps(3, null, null)), m(2, 2),
        m(3, 1), capped(4, 3, new Caps(null, 5, null)));
    Directory d = new Directory(1, 2, 3).set(4, awayUntil(T.plusSeconds(60)));
    for (int i = 0; i < 4; i++) {
      pick(r, T, d);
    }
    d.set(4, Availability.ALWAYS);
    Instant now = T.plusSeconds(60);
    RotationState before = r.state();
    List<Rotation.Planned> planned = r.preview(30, now, d).picks();
    assertThat(r.state()).isEqualTo(before);
    assertThat(planned).hasSize(30);
    assertThat(planned).anyMatch(Rotation.Planned::repayment);
    assertThat(planned).anyMatch(p -> p.skipped().contains(new Rotation.Skip(1, SkipReason.CAP_HOUR)));
    for (Rotation.Planned p : planned) {
      Rotation.UserPicked actual = pick(r, now, d);
      assertThat(new Rotation.Planned(actual.rotationId(), actual.member(), actual.skipped(), actual.repayment(),
          null)).isEqualTo(p);
    }
  }

  @Test
  void previewStopsWhereNobodyIsEligible() {
    Rotation r = rotation(ZoneOffset.UTC, false, capped(1, 1, new Caps(2, null, null)),
        capped(2, 1, new Caps(1, null, null)));
    Rotation.Plan plan = r.preview(10, T, new Directory(1, 2));
    assertThat(plan.picks()).extracting(p -> p.member().userId()).containsExactly(1L, 2L, 1L);
    // where it stops, every member with the reason (the caps counting the planned picks)
    assertThat(plan.stuck()).containsExactly(new Rotation.Skip(1, SkipReason.CAP_HOUR),
        new Rotation.Skip(2, SkipReason.CAP_HOUR));
    assertThat(r.preview(3, T, new Directory(1, 2)).stuck()).as("a complete plan").isNull();
  }

  @Test
  void memberViewsSayCountsOwedReasonsAndWhenEligibleAgain() {
    Instant back = Instant.parse("2026-03-02T12:00:00Z");
    Rotation r = rotation(ZoneOffset.UTC, true, capped(1, 1, new Caps(1, 5, null)), m(2, 1), m(3, 1),
        m(4, 1).withSettings(1, true, null));
    Directory d = new Directory(1, 3, 4).set(2, awayUntil(back));
    pick(r, T, d); // a
    pick(r, T, d); // b away (owed 1), c
    List<MemberView> views = r.members(T, d);
    assertThat(views).extracting(MemberView::reason)
        .containsExactly(SkipReason.CAP_HOUR, SkipReason.AWAY, null, SkipReason.PAUSED);
    assertThat(views.get(0).counts()).isEqualTo(new Ledger.Counts(1, 1, 1));
    assertThat(views.get(0).nextEligible()).isEqualTo(Instant.parse("2026-03-02T11:00:00Z"));
    assertThat(views.get(1).owed()).isEqualTo(1);
    assertThat(views.get(1).nextEligible()).isEqualTo(back);
    assertThat(views.get(2).eligible()).isTrue();
    assertThat(views.get(2).nextEligible()).isEqualTo(T);
    assertThat(views.get(2).counts()).isEqualTo(Ledger.Counts.ZERO);
    assertThat(views.get(3).nextEligible()).isNull();
  }

  @Test
  void olderCallersKeepTheirBehaviour() {
    Member plain = new Member(1, "a@example.com", "A", 2);
    assertThat(plain.paused()).isFalse();
    assertThat(plain.caps()).isEqualTo(Caps.NONE);
    RotationState s = new RotationState(7, "2311", "r", Status.ACTIVE, null, List.of(plain), 0, 0, T, T, "a", "a");
    assertThat(s.timeZone()).isEqualTo(ZoneOffset.UTC);
    assertThat(s.catchUp()).isFalse();
    assertThat(s.fallback()).isNull();
    assertThat(s.followsTeam()).isFalse();
    assertThat(s.ledger()).isEqualTo(Ledger.EMPTY);
    Rotation.UserPicked p = new Rotation.UserPicked(7, "2311", 1, plain, 0, 1, plain, 2, T, null);
    assertThat(p.skipped()).isEmpty();
    assertThat(p.repayment()).isFalse();
  }

  @Test
  void statusChangesAndEditsKeepTheSettingsAndTheLedgerOfRemainingMembers() {
    Rotation r = new Rotation(new RotationState(7, "2311", "r", Status.ACTIVE, null,
        List.of(capped(1, 1, new Caps(10, null, null)), capped(2, 1, new Caps(10, null, null))), 0, 0, T, T, "a",
        "a", ZoneId.of("Asia/Tokyo"), true, Fallback.rotation(9), true, Ledger.EMPTY));
    Directory d = new Directory(1, 2);
    pick(r, T, d);
    pick(r, T, d);
    r.apply(r.decide(new Rotation.ChangeStatus("2311", 7, Status.QUEUED, "b"), T).event());
    assertThat(r.state().timeZone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
    assertThat(r.state().fallback()).isEqualTo(Fallback.rotation(9));
    assertThat(r.state().followsTeam()).isTrue();
    assertThat(r.state().ledger().counts()).containsOnlyKeys(1L, 2L);
    r.apply(r.decide(new Rotation.Update("2311", 7, null, false, null,
        List.of(capped(1, 1, new Caps(10, null, null))), "b"), T).event());
    assertThat(r.state().ledger().counts()).containsOnlyKeys(1L);
    assertThat(r.state().catchUp()).isTrue();
    assertThat(Map.of("status", r.state().status())).containsEntry("status", Status.QUEUED);
  }
}
