package io.leadrouter.store;

import io.leadrouter.rotation.WorkingHours;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * Fields a caller may set on a directory user; null means "leave as is" on update (a new user: active, UTC,
 * always available). {@code workingHours} and {@code awayUntil} can also be cleared: {@code clearWorkingHours}
 * (always available again) and {@code clearAwayUntil} (back now), which a null cannot say.
 */
public record UserDraft(String email, String name, List<String> roles, Boolean active, ZoneId timeZone,
    WorkingHours workingHours, boolean clearWorkingHours, Instant awayUntil, boolean clearAwayUntil) {

  /** No availability fields: leaves them as they are. */
  public UserDraft(String email, String name, List<String> roles, Boolean active) {
    this(email, name, roles, active, null, null, false, null, false);
  }
}
