package io.leadrouter.store;

import io.leadrouter.rotation.Availability;
import io.leadrouter.rotation.WorkingHours;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * A person in an account's user directory. {@code roles} are agent roles (e.g. "loan-officer").
 * Availability: {@code timeZone} (an IANA zone, UTC by default), {@code workingHours} in that zone (null:
 * always) and {@code awayUntil} (null: not away).
 */
public record User(long id, String accountId, String email, String name, List<String> roles, boolean active,
    Instant createdAt, Instant updatedAt, String createdBy, String updatedBy, ZoneId timeZone,
    WorkingHours workingHours, Instant awayUntil) {

  public static final ZoneId UTC = ZoneId.of("UTC");

  public User {
    roles = List.copyOf(roles);
    timeZone = timeZone == null ? UTC : timeZone;
  }

  /** Always available in UTC: a user as it was before availability existed. */
  public User(long id, String accountId, String email, String name, List<String> roles, boolean active,
      Instant createdAt, Instant updatedAt, String createdBy, String updatedBy) {
    this(id, accountId, email, name, roles, active, createdAt, updatedAt, createdBy, updatedBy, UTC, null, null);
  }

  /** Whether the user can take a lead, as the rotation engine reads it. */
  public Availability availability() {
    return new Availability(active, timeZone, workingHours, awayUntil);
  }

  /** The name of a user created without one: the local part of the email. */
  public static String defaultName(String email) {
    int at = email.indexOf('@');
    return at > 0 ? email.substring(0, at) : email;
  }
}
