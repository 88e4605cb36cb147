package io.leadrouter.store.pg;

import static io.leadrouter.store.pg.PgClient.instant;

import io.leadrouter.rotation.Caps;
import io.leadrouter.rotation.Fallback;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.rotation.Status;
import io.leadrouter.store.Assignment;
import io.leadrouter.store.RotationJson;
import io.leadrouter.store.StoredRotation;
import io.leadrouter.store.Team;
import io.leadrouter.store.User;
import io.leadrouter.rotation.WorkingHours;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Rows of {@link Sql}'s queries as the store's records. */
final class PgRows {

  private PgRows() {}

  static StoredRotation storedRotation(Row row) {
    return new StoredRotation(rotation(row), row.getLong("sequence_ceiling"));
  }

  static RotationState rotation(Row row) {
    Long[] userIds = row.getArrayOfLongs("user_ids");
    List<Member> members = new ArrayList<>();
    if (userIds != null) {
      String[] emails = row.getArrayOfStrings("emails");
      String[] names = row.getArrayOfStrings("names");
      Integer[] weights = row.getArrayOfIntegers("weights");
      Boolean[] paused = row.getArrayOfBooleans("pauseds");
      Integer[] hour = row.getArrayOfIntegers("cap_hours");
      Integer[] day = row.getArrayOfIntegers("cap_days");
      Integer[] week = row.getArrayOfIntegers("cap_weeks");
      for (int i = 0; i < userIds.length; i++) {
        Caps caps = hour[i] == null && day[i] == null && week[i] == null ? Caps.NONE
            : new Caps(hour[i], day[i], week[i]);
        members.add(new Member(userIds[i], emails[i], names[i], weights[i], Boolean.TRUE.equals(paused[i]), caps));
      }
    }
    String status = row.getString("status");
    return new RotationState(row.getLong("id"), row.getString("account_id"), row.getString("name"),
        Status.parse(status).orElseThrow(() -> new IllegalStateException("unknown rotation status " + status)),
        row.getLong("team_id"), members, row.getInteger("position"), row.getLong("sequence"),
        instant(row, "created_at"), instant(row, "updated_at"), row.getString("created_by"),
        row.getString("updated_by"), RotationJson.zone(row.getString("time_zone")), row.getBoolean("catch_up"),
        fallback(row.getLong("fallback_rotation_id"), row.getLong("fallback_user_id")),
        row.getBoolean("follows_team"), RotationJson.ledger(row.getString("ledger")));
  }

  private static Fallback fallback(Long rotationId, Long userId) {
    if (rotationId != null) {
      return Fallback.rotation(rotationId);
    }
    return userId == null ? null : Fallback.user(userId);
  }

  static User user(Row row) {
    String[] roles = row.getArrayOfStrings("roles");
    return new User(row.getLong("id"), row.getString("account_id"), row.getString("email"), row.getString("name"),
        roles == null ? List.of() : Arrays.asList(roles), row.getBoolean("active"), instant(row, "created_at"),
        instant(row, "updated_at"), row.getString("created_by"), row.getString("updated_by"),
        ZoneId.of(row.getString("time_zone")), workingHours(row.getValue("working_hours")),
        instant(row, "away_until"));
  }

  /** Stored hours were validated when written; the column is a JSON object or null. */
  private static WorkingHours workingHours(Object column) {
    return column instanceof JsonObject o ? WorkingHours.parse("workingHours", o.getMap()) : null;
  }

  /** Working hours as their jsonb column takes them (null stays null). */
  static JsonObject workingHoursJson(WorkingHours hours) {
    return hours == null ? null : new JsonObject(new java.util.LinkedHashMap<>(hours.toMap()));
  }

  static Team team(Row row) {
    Long[] userIds = row.getArrayOfLongs("user_ids");
    List<Team.TeamMember> members = new ArrayList<>();
    if (userIds != null) {
      String[] emails = row.getArrayOfStrings("emails");
      String[] names = row.getArrayOfStrings("names");
      for (int i = 0; i < userIds.length; i++) {
        members.add(new Team.TeamMember(userIds[i], emails[i], names[i]));
      }
    }
    return new Team(row.getLong("id"), row.getString("account_id"), row.getString("name"), row.getBoolean("active"),
        members, instant(row, "created_at"), instant(row, "updated_at"), row.getString("created_by"),
        row.getString("updated_by"));
  }

  static Assignment assignment(Row row) {
    return new Assignment(row.getLong("rotation_id"), row.getString("account_id"), row.getLong("sequence"),
        row.getLong("user_id"), row.getString("email"), row.getInteger("position"), instant(row, "picked_at"),
        row.getString("request_id"), row.getString("node"), RotationJson.skippedText(row.getString("skipped")),
        row.getBoolean("repayment"), row.getLong("fallback_from"));
  }
}
