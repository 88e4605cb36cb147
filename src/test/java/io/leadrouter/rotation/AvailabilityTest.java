package io.leadrouter.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AvailabilityTest {

  private static final Instant MONDAY_10 = Instant.parse("2026-03-02T10:00:00Z");
  private static final WorkingHours NINE_TO_FIVE_WEEKDAYS = WorkingHours.parse(Map.of(
      "mon", List.of(List.of("09:00", "17:00")), "tue", List.of(List.of("09:00", "17:00")),
      "wed", List.of(List.of("09:00", "17:00")), "thu", List.of(List.of("09:00", "17:00")),
      "fri", List.of(List.of("09:00", "17:00"))));

  @Test
  void reasonsComeInOrderInactiveAwayOutsideHours() {
    Instant later = MONDAY_10.plusSeconds(3600);
    assertThat(new Availability(false, null, NINE_TO_FIVE_WEEKDAYS, later).reason(MONDAY_10))
        .isEqualTo(SkipReason.INACTIVE);
    assertThat(new Availability(true, null, NINE_TO_FIVE_WEEKDAYS, later).reason(MONDAY_10))
        .isEqualTo(SkipReason.AWAY);
    assertThat(new Availability(true, null, NINE_TO_FIVE_WEEKDAYS, null).reason(MONDAY_10.plusSeconds(8 * 3600)))
        .isEqualTo(SkipReason.OUTSIDE_HOURS);
    assertThat(new Availability(true, null, NINE_TO_FIVE_WEEKDAYS, MONDAY_10).reason(MONDAY_10))
        .as("away until a past or present instant is back").isNull();
    assertThat(Availability.ALWAYS.reason(MONDAY_10)).isNull();
    assertThat(Availability.ALWAYS.timeZone()).isEqualTo(ZoneOffset.UTC);
  }

  @Test
  void nextAvailableIsTheFirstWorkingMinuteAfterTheAbsence() {
    // away until Friday 18:00: next available is Monday 09:00
    Availability a = new Availability(true, null, NINE_TO_FIVE_WEEKDAYS, Instant.parse("2026-03-06T18:00:00Z"));
    assertThat(a.nextAvailable(MONDAY_10)).isEqualTo(Instant.parse("2026-03-09T09:00:00Z"));
    assertThat(a.nextChange(MONDAY_10)).isEqualTo(Instant.parse("2026-03-06T18:00:00Z"));
    assertThat(new Availability(true, null, null, MONDAY_10.plusSeconds(60)).nextAvailable(MONDAY_10))
        .isEqualTo(MONDAY_10.plusSeconds(60));
    assertThat(Availability.ALWAYS.nextAvailable(MONDAY_10)).isEqualTo(MONDAY_10);
    assertThat(Availability.ALWAYS.nextChange(MONDAY_10)).isNull();
    assertThat(Availability.INACTIVE.nextAvailable(MONDAY_10)).isNull();
  }
}
