package io.leadrouter.rotation;

/**
 * Per-member limits on picks within the rotation's current clock hour, calendar day and ISO week (Monday
 * start), all in the rotation's time zone. Any subset may be set; a set limit is at least 1.
 */
public record Caps(Integer hour, Integer day, Integer week) {

  public static final Caps NONE = new Caps(null, null, null);

  public Caps {
    check("hour", hour);
    check("day", day);
    check("week", week);
  }

  private static void check(String field, Integer limit) {
    if (limit != null && limit < 1) {
      throw new IllegalArgumentException("caps." + field + " must be at least 1, got " + limit);
    }
  }

  public boolean isEmpty() {
    return hour == null && day == null && week == null;
  }

  /** The first cap {@code counts} has reached (hour, then day, then week), or null when under every cap. */
  public SkipReason reached(int hourCount, int dayCount, int weekCount) {
    if (hour != null && hourCount >= hour) {
      return SkipReason.CAP_HOUR;
    }
    if (day != null && dayCount >= day) {
      return SkipReason.CAP_DAY;
    }
    if (week != null && weekCount >= week) {
      return SkipReason.CAP_WEEK;
    }
    return null;
  }
}
