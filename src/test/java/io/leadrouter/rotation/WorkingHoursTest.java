package io.leadrouter.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkingHoursTest {

  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static WorkingHours hours(Object... dayThenRanges) {
    Map<String, Object> raw = new LinkedHashMap<>();
    for (int i = 0; i < dayThenRanges.length; i += 2) {
      raw.put((String) dayThenRanges[i], dayThenRanges[i + 1]);
    }
    return WorkingHours.parse(raw);
  }

  private static List<List<String>> ranges(String... times) {
    List<List<String>> out = new java.util.ArrayList<>();
    for (int i = 0; i < times.length; i += 2) {
      out.add(List.of(times[i], times[i + 1]));
    }
    return out;
  }

  private static void rejects(String message, Object... dayThenRanges) {
    assertThatThrownBy(() -> hours(dayThenRanges)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void badInputIsRefusedWithAMessageNamingTheField() {
    rejects("workingHours.mon[1]: \"25:00\" is not a time (HH:MM)", "mon", ranges("09:00", "12:00", "13:00", "25:00"));
    rejects("workingHours.tue[0]: \"9:00\" is not a time (HH:MM)", "tue", ranges("9:00", "12:00"));
    rejects("workingHours.tue[0]: \"12:60\" is not a time (HH:MM)", "tue", ranges("09:00", "12:60"));
    rejects("workingHours.monday: unknown day (expected mon, tue, wed, thu, fri, sat, sun)", "monday",
        ranges("09:00", "17:00"));
    rejects("workingHours.wed[0]: a range is [\"HH:MM\",\"HH:MM\"]", "wed", List.of(List.of("09:00")));
    rejects("workingHours.wed: expected a list of [\"HH:MM\",\"HH:MM\"] ranges", "wed", "09:00-17:00");
    rejects("workingHours.thu[0]: \"24:00\" is allowed only as an end", "thu", ranges("24:00", "02:00"));
    rejects("workingHours.fri[0]: start and end are both \"09:00\" (an empty range)", "fri", ranges("09:00", "09:00"));
    rejects("workingHours.sat[0]: 900 is not a time (HH:MM)", "sat", List.of(List.of(900, "17:00")));
    rejects("workingHours: no day has a range; leave workingHours out (or null) for always available", "sun", List.of());
  }

  @Test
  void rangesHoldFromStartUpToButNotIncludingTheEnd() {
    WorkingHours h = hours("mon", ranges("09:00", "12:00", "13:00", "17:30"));
    // 2026-03-02 is a Monday
    assertThat(h.contains(Instant.parse("2026-03-02T08:59:59Z"), ZoneOffset.UTC)).isFalse();
    assertThat(h.contains(Instant.parse("2026-03-02T09:00:00Z"), ZoneOffset.UTC)).isTrue();
    assertThat(h.contains(Instant.parse("2026-03-02T12:30:00Z"), ZoneOffset.UTC)).isFalse();
    assertThat(h.contains(Instant.parse("2026-03-02T17:29:59Z"), ZoneOffset.UTC)).isTrue();
    assertThat(h.contains(Instant.parse("2026-03-02T17:30:00Z"), ZoneOffset.UTC)).isFalse();
    assertThat(h.contains(Instant.parse("2026-03-03T10:00:00Z"), ZoneOffset.UTC)).as("tuesday unlisted").isFalse();
  }

  @Test
  void anEndBeforeItsStartCrossesMidnightAndBelongsToTheStartDay() {
    WorkingHours h = hours("fri", ranges("22:00", "02:00"));
    // 2026-03-06 is a Friday
    assertThat(h.contains(Instant.parse("2026-03-06T23:00:00Z"), ZoneOffset.UTC)).isTrue();
    assertThat(h.contains(Instant.parse("2026-03-07T01:59:00Z"), ZoneOffset.UTC)).isTrue();
    assertThat(h.contains(Instant.parse("2026-03-07T02:00:00Z"), ZoneOffset.UTC)).isFalse();
    assertThat(h.contains(Instant.parse("2026-03-06T01:00:00Z"), ZoneOffset.UTC)).as("friday early: thursday's").isFalse();
    assertThat(h.contains(Instant.parse("2026-03-07T23:00:00Z"), ZoneOffset.UTC)).isFalse();
  }

  @Test
  void twentyFourHundredEndsAtMidnightAndJoinsTheNextDay() {
    WorkingHours h = hours("mon", ranges("20:00", "24:00"), "tue", ranges("00:00", "03:00"));
    assertThat(h.contains(Instant.parse("2026-03-02T23:59:59Z"), ZoneOffset.UTC)).isTrue();
    assertThat(h.contains(Instant.parse("2026-03-03T00:00:00Z"), ZoneOffset.UTC)).isTrue();
    assertThat(h.contains(Instant.parse("2026-03-03T03:00:00Z"), ZoneOffset.UTC)).isFalse();
    assertThat(h.toMap()).containsEntry("mon", List.of(List.of("20:00", "24:00")));
    assertThat(h.ranges(DayOfWeek.TUESDAY)).containsExactly(new WorkingHours.Range(0, 180));
  }

  @Test
  void hoursAreReadInTheUsersZone() {
    WorkingHours h = hours("mon", ranges("09:00", "17:00"));
    // 09:00 in New York on Monday 2026-01-05 is 14:00 UTC
    assertThat(h.contains(Instant.parse("2026-01-05T13:59:00Z"), NEW_YORK)).isFalse();
    assertThat(h.contains(Instant.parse("2026-01-05T14:00:00Z"), NEW_YORK)).isTrue();
    assertThat(h.nextStart(Instant.parse("2026-01-05T03:00:00Z"), NEW_YORK))
        .isEqualTo(Instant.parse("2026-01-05T14:00:00Z"));
  }

  @Test
  void aStartInTheSpringForwardGapBeginsAtTheJump() {
    // 2026-03-08 (Sunday) New York: 02:00 EST jumps to 03:00 EDT at 07:00 UTC; 02:30 does not exist
    WorkingHours h = hours("sun", ranges("02:30", "06:00"));
    Instant jump = Instant.parse("2026-03-08T07:00:00Z");
    assertThat(h.contains(jump.minusSeconds(1), NEW_YORK)).isFalse();
    assertThat(h.contains(jump, NEW_YORK)).isTrue();
    assertThat(h.nextStart(Instant.parse("2026-03-08T05:00:00Z"), NEW_YORK)).isEqualTo(jump);
    // 06:00 EDT is 10:00 UTC: three hours of work that day instead of three and a half
    assertThat(h.contains(Instant.parse("2026-03-08T09:59:00Z"), NEW_YORK)).isTrue();
    assertThat(h.contains(Instant.parse("2026-03-08T10:00:00Z"), NEW_YORK)).isFalse();
    assertThat(h.nextChange(jump, NEW_YORK)).isEqualTo(Instant.parse("2026-03-08T10:00:00Z"));
  }

  @Test
  void theRepeatedHourOfFallBackIsInsideBothTimes() {
    // 2026-11-01 (Sunday) New York: 02:00 EDT falls back to 01:00 EST at 06:00 UTC
    WorkingHours h = hours("sun", ranges("01:00", "02:00"));
    assertThat(h.contains(Instant.parse("2026-11-01T05:30:00Z"), NEW_YORK)).as("01:30 EDT").isTrue();
    assertThat(h.contains(Instant.parse("2026-11-01T06:30:00Z"), NEW_YORK)).as("01:30 EST").isTrue();
    assertThat(h.contains(Instant.parse("2026-11-01T07:00:00Z"), NEW_YORK)).as("02:00 EST").isFalse();
    assertThat(h.nextStart(Instant.parse("2026-11-01T04:00:00Z"), NEW_YORK))
        .isEqualTo(Instant.parse("2026-11-01T05:00:00Z"));
  }

  @Test
  void nextStartFindsTheNextWorkingDay() {
    WorkingHours h = hours("mon", ranges("09:00", "17:00"));
    // from Tuesday to next Monday
    assertThat(h.nextStart(Instant.parse("2026-03-03T10:00:00Z"), ZoneOffset.UTC))
        .isEqualTo(Instant.parse("2026-03-09T09:00:00Z"));
    assertThat(h.nextChange(Instant.parse("2026-03-09T10:00:00Z"), ZoneOffset.UTC))
        .isEqualTo(Instant.parse("2026-03-09T17:00:00Z"));
  }

  @Test
  void parsedHoursRoundTripThroughTheirMap() {
    WorkingHours h = hours("mon", ranges("09:00", "17:30"), "fri", ranges("22:00", "02:00"));
    assertThat(WorkingHours.parse(h.toMap())).isEqualTo(h);
  }
}
