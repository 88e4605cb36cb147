package io.leadrouter.rotation;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Whether a directory user can take a lead, as plain data the owner hands in: {@code active},
 * {@code timeZone} (UTC when null), {@code workingHours} (null: always) and {@code awayUntil} (null: not
 * away; away while {@code now < awayUntil}).
 */
public record Availability(boolean active, ZoneId timeZone, WorkingHours workingHours, Instant awayUntil) {

  /** Active, no hours, not away. */
  public static final Availability ALWAYS = new Availability(true, ZoneOffset.UTC, null, null);

  /** What a user missing from the directory counts as. */
  public static final Availability INACTIVE = new Availability(false, ZoneOffset.UTC, null, null);

  public Availability {
    timeZone = timeZone == null ? ZoneOffset.UTC : timeZone;
  }

  /** Why the user cannot take a lead at {@code now} ({@code inactive}, {@code away}, {@code outside_hours}), or null. */
  public SkipReason reason(Instant now) {
    if (!active) {
      return SkipReason.INACTIVE;
    }
    if (awayUntil != null && now.isBefore(awayUntil)) {
      return SkipReason.AWAY;
    }
    if (workingHours != null && !workingHours.contains(now, timeZone)) {
      return SkipReason.OUTSIDE_HOURS;
    }
    return null;
  }

  /**
   * The first instant at or after {@code now} at which the user is available: {@code now} when available,
   * null when unknown (an inactive user becomes available only when someone reactivates it).
   */
  public Instant nextAvailable(Instant now) {
    if (!active) {
      return null;
    }
    Instant t = awayUntil != null && now.isBefore(awayUntil) ? awayUntil : now;
    return workingHours == null ? t : workingHours.nextStart(t, timeZone);
  }

  /**
   * The first instant after {@code now} at which {@link #reason} may answer differently, or null when it
   * never will by the clock alone. Eligibility computed at {@code now} holds until then.
   */
  public Instant nextChange(Instant now) {
    if (!active) {
      return null;
    }
    if (awayUntil != null && now.isBefore(awayUntil)) {
      return awayUntil;
    }
    return workingHours == null ? null : workingHours.nextChange(now, timeZone);
  }
}
