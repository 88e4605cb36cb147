package io.leadrouter.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EligibilityTest {

  private static final Instant MONDAY_10 = Instant.parse("2026-03-02T10:00:00Z");
  private static final String ACCOUNT = "2311";

  /** A directory the test edits; every edit bumps the version, as the owner's view must. */
  static final class Directory implements DirectoryView {
    final Map<Long, Availability> users = new HashMap<>();
    long version;

    Directory(long... ids) {
      for (long id : ids) {
        users.put(id, Availability.ALWAYS);
      }
    }

    Directory set(long id, Availability a) {
      users.put(id, a);
      version++;
      return this;
    }

    @Override
    public Availability availability(long userId) {
      return users.get(userId);
    }

    @Override
    public long version() {
      return version;
    }
  }

  static Member m(long id, int weight) {
    return new Member(id, "u" + id + "@example.com", "User " + id, weight);
  }

  static Member capped(long id, int weight, Caps caps) {
    return m(id, weight).withSettings(weight, false, caps);
  }

  static Rotation rotation(ZoneId zone, boolean catchUp, Member... members) {
    return new Rotation(new RotationState(7, ACCOUNT, "r", Status.ACTIVE, null, List.of(members), 0, 0, MONDAY_10,
        MONDAY_10, "a", "a", zone, catchUp, null, false, Ledger.EMPTY));
  }

  static Rotation.UserPicked pick(Rotation r, Instant at, DirectoryView d) {
    Rotation.Decision decision = r.decide(new Rotation.Pick(ACCOUNT, 7, null), at, d);
    assertThat(decision.accepted()).as("pick accepted: %s", decision.rejection()).isTrue();
    r.apply(decision.event());
    return (Rotation.UserPicked) decision.event();
  }

  static String picks(Rotation r, int n, Instant at, DirectoryView d) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append((char) ('a' + pick(r, at, d).member().userId() - 1));
    }
    return b.toString();
  }

  static Availability awayUntil(Instant t) {
    return new Availability(true, null, null, t);
  }

  @Test
  void anAwayMemberIsSkippedWithItsReasonAndTheSequenceStaysGapless() {
    Rotation r = rotation(ZoneOffset.UTC, false, m(1, 3), m(2, 1), m(3, 1)); // a b a c a
    Directory d = new Directory(1, 3).set(2, awayUntil(MONDAY_10.plusSeconds(3600)));
    Rotation.UserPicked first = pick(r, MONDAY_10, d);
    Rotation.UserPicked second = pick(r, MONDAY_10, d);
    assertThat(first.member().userId()).isEqualTo(1);
    assertThat(first.skipped()).isEmpty();
    assertThat(second.member().userId()).isEqualTo(1);
    assertThat(second.skipped()).containsExactly(new Rotation.Skip(2, SkipReason.AWAY));
    assertThat(second.position()).isEqualTo(2);
    assertThat(second.newPosition()).isEqualTo(3);
    assertThat(picks(r, 8, MONDAY_10, d)).isEqualTo("caaacaaa").doesNotContain("b");
    assertThat(r.state().sequence()).isEqualTo(10);
    // back once away-until passes, with the same view: the cached eligibility expires by the clock
    assertThat(picks(r, 5, MONDAY_10.plusSeconds(3600), d)).isEqualTo("caaba");
  }

  @Test
  void pausedInactiveAndUnknownUsersAreNeverPicked() {
    Member paused = m(2, 5).withSettings(5, true, null);
    Rotation r = rotation(ZoneOffset.UTC, false, m(1, 1), paused, m(3, 1), m(4, 1));
    Directory d = new Directory(1, 2).set(3, Availability.INACTIVE); // 4 is not in the directory
    Rotation.UserPicked p = pick(r, MONDAY_10, d);
    assertThat(picks(r, 20, MONDAY_10, d)).matches("a+");
    Rotation.UserPicked next = pick(r, MONDAY_10, d);
    assertThat(next.skipped()).extracting(Rotation.Skip::reason)
        .contains(SkipReason.PAUSED, SkipReason.INACTIVE).doesNotContainNull();
    assertThat(p.member().userId()).isEqualTo(1);
    // an inactive user that is also paused reports inactive
    Rotation both = rotation(ZoneOffset.UTC, false, m(1, 1), m(3, 1).withSettings(1, true, null));
    assertThat(pick(both, MONDAY_10, d).skipped()).isEmpty();
    assertThat(pick(both, MONDAY_10, d).skipped()).containsExactly(new Rotation.Skip(3, SkipReason.INACTIVE));
  }

  @Test
  void workingHoursFollowTheMovingClockAndTheUsersZone() {
    WorkingHours nineToFive = WorkingHours.parse(Map.of("mon", List.of(List.of("09:00", "17:00"))));
    Rotation r = rotation(ZoneOffset.UTC, false, m(1, 1), m(2, 1));
    Directory d = new Directory(1).set(2, new Availability(true, ZoneId.of("Europe/Berlin"), nineToFive, null));
    Instant early = Instant.parse("2026-03-02T07:30:00Z"); // 08:30 in Berlin
    assertThat(picks(r, 3, early, d)).isEqualTo("aaa");
    assertThat(pick(r, early, d).skipped()).containsExactly(new Rotation.Skip(2, SkipReason.OUTSIDE_HOURS));
    Instant nine = Instant.parse("2026-03-02T08:00:00Z"); // 09:00 in Berlin
    assertThat(picks(r, 4, nine, d)).isEqualTo("baba");
    assertThat(picks(r, 2, Instant.parse("2026-03-02T16:00:00Z"), d)).isEqualTo("aa");
  }

  @Test
  void aDirectoryEditIsSeenAtTheNextPick() {
    Rotation r = rotation(ZoneOffset.UTC, false, m(1, 1), m(2, 1));
    Directory d = new Directory(1, 2);
    assertThat(picks(r, 2, MONDAY_10, d)).isEqualTo("ab");
    d.set(2, Availability.INACTIVE);
    assertThat(picks(r, 2, MONDAY_10, d)).isEqualTo("aa");
    d.set(2, Availability.ALWAYS);
    assertThat(picks(r, 1, MONDAY_10, d)).isEqualTo("b");
  }

  @Test
  void anHourCapSkipsTheMemberUntilTheNextClockHour() {
    Rotation r = rotation(ZoneOffset.UTC, false, capped(1, 1, new Caps(2, null, null)), m(2, 1));
    Directory d = new Directory(1, 2);
    assertThat(picks(r, 4, MONDAY_10, d)).isEqualTo("abab");
    Rotation.UserPicked fifth = pick(r, MONDAY_10.plusSeconds(3599), d);
    assertThat(fifth.member().userId()).isEqualTo(2);
    assertThat(fifth.skipped()).containsExactly(new Rotation.Skip(1, SkipReason.CAP_HOUR));
    assertThat(r.state().ledger().counts(1, Periods.at(MONDAY_10, ZoneOffset.UTC)))
        .isEqualTo(new Ledger.Counts(2, 2, 2));
    assertThat(picks(r, 2, MONDAY_10.plusSeconds(3600), d)).isEqualTo("ab");
  }

  @Test
  void dayAndWeekCapsAreCalendarPeriodsOfTheRotationsZone() {
    ZoneId tokyo = ZoneId.of("Asia/Tokyo");
    Rotation r = rotation(tokyo, false, capped(1, 1, new Caps(null, 1, 3)), m(2, 1));
    Directory d = new Directory(1, 2);
    // Monday 2026-03-02 14:59 UTC is 23:59 in Tokyo; 15:00 UTC is Tuesday 00:00 there
    Instant lateMonday = Instant.parse("2026-03-02T14:59:00Z");
    assertThat(picks(r, 3, lateMonday, d)).isEqualTo("abb");
    assertThat(r.preview(1, lateMonday, d).picks().get(0).skipped())
        .containsExactly(new Rotation.Skip(1, SkipReason.CAP_DAY));
    assertThat(picks(r, 2, Instant.parse("2026-03-02T15:00:00Z"), d)).isEqualTo("ab");
    assertThat(picks(r, 2, Instant.parse("2026-03-04T01:00:00Z"), d)).isEqualTo("ab");
    Instant thursday = Instant.parse("2026-03-05T01:00:00Z");
    Rotation.UserPicked p = pick(r, thursday, d);
    assertThat(p.skipped()).containsExactly(new Rotation.Skip(1, SkipReason.CAP_WEEK));
    // next Monday 00:00 in Tokyo (Sunday 15:00 UTC) opens a new week
    assertThat(picks(r, 2, Instant.parse("2026-03-08T15:00:00Z"), d)).isEqualTo("ab");
  }

  @Test
  void capsAreNeverExceeded() {
    Rotation r = rotation(ZoneOffset.UTC, false, capped(1, 10, new Caps(3, 20, null)),
        capped(2, 5, new Caps(null, 10, 40)), m(3, 1));
    Directory d = new Directory(1, 2, 3);
    Map<String, Integer> perHour = new HashMap<>();
    Map<String, Integer> perDay = new HashMap<>();
    Instant t = MONDAY_10;
    for (int i = 0; i < 3000; i++) {
      t = t.plusSeconds(97);
      Rotation.UserPicked p = pick(r, t, d);
      String hour = t.toString().substring(0, 13);
      perHour.merge(p.member().userId() + "@" + hour, 1, Integer::sum);
      perDay.merge(p.member().userId() + "@" + hour.substring(0, 10), 1, Integer::sum);
    }
    perHour.forEach((k, v) -> assertThat(v).as(k).isLessThanOrEqualTo(k.startsWith("1@") ? 3 : 3000));
    perDay.forEach((k, v) -> assertThat(v).as(k).isLessThanOrEqualTo(k.startsWith("1@") ? 20
        : k.startsWith("2@") ? 10 : 3000));
    assertThat(r.state().sequence()).isEqualTo(3000);
  }

  @Test
  void nobodyEligibleIsATypedRejectionListingEveryMemberAndChangesNothing() {
    Rotation r = rotation(ZoneOffset.UTC, false, m(1, 1), m(2, 2).withSettings(2, true, null));
    Directory d = new Directory(2).set(1, awayUntil(MONDAY_10.plusSeconds(60)));
    Rotation.Decision decision = r.decide(new Rotation.Pick(ACCOUNT, 7, null), MONDAY_10, d);
    assertThat(decision.accepted()).isFalse();
    assertThat(decision.rejection().reason()).isEqualTo(Rotation.Reason.NO_ELIGIBLE_MEMBER);
    assertThat(decision.rejection().reason().code()).isEqualTo("no_eligible_member");
    assertThat(decision.rejection().reason().error().status()).isEqualTo(409);
    assertThat(decision.rejection().members())
        .containsExactly(new Rotation.Skip(1, SkipReason.AWAY), new Rotation.Skip(2, SkipReason.PAUSED));
    assertThat(decision.rejection().message()).contains("user 1: away", "user 2: paused");
    assertThat(r.state().sequence()).isZero();
    assertThat(r.preview(5, MONDAY_10, d).picks()).isEmpty();
  }

  @Test
  void withoutCatchUpMissedTurnsAreGone() {
    Rotation r = rotation(ZoneOffset.UTC, false, m(1, 1), m(2, 1), m(3, 1));
    Directory d = new Directory(1, 3).set(2, awayUntil(MONDAY_10.plusSeconds(60)));
    assertThat(picks(r, 6, MONDAY_10, d)).isEqualTo("acacac");
    String after = picks(r, 9, MONDAY_10.plusSeconds(60), d);
    assertThat(after).isEqualTo("abcabcabc");
    assertThat(r.state().ledger().owed()).isEmpty();
  }
}
