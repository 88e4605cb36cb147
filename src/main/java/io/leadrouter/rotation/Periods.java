package io.leadrouter.rotation;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/**
 * The cap periods an instant falls in, in a rotation's time zone: the clock hour (by the instant it began, so
 * the hour repeated when clocks fall back is a period of its own), the calendar day, and the ISO week (by its
 * Monday). Every period boundary is a clock-hour boundary, so the three hold for all of {@code [hour, until)}.
 */
public record Periods(Instant hour, LocalDate day, LocalDate week, Instant until) {

  public static Periods at(Instant now, ZoneId zone) {
    ZonedDateTime local = now.atZone(zone);
    ZonedDateTime hour = local.truncatedTo(ChronoUnit.HOURS);
    LocalDate day = local.toLocalDate();
    return new Periods(hour.toInstant(), day, day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)),
        hour.plusHours(1).toInstant());
  }

  public boolean covers(Instant now) {
    return !now.isBefore(hour) && now.isBefore(until);
  }

  /** When the period of {@code reason} (a cap) next begins, in {@code zone}. */
  Instant nextStart(SkipReason reason, ZoneId zone) {
    return switch (reason) {
      case CAP_HOUR -> until;
      case CAP_DAY -> day.plusDays(1).atStartOfDay(zone).toInstant();
      case CAP_WEEK -> week.plusWeeks(1).atStartOfDay(zone).toInstant();
      default -> throw new IllegalArgumentException(reason + " is not a cap");
    };
  }
}
