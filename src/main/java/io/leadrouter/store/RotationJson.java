package io.leadrouter.store;

import io.leadrouter.rotation.Ledger;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.SkipReason;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON forms of a rotation's {@link Ledger} and of a pick's skipped members, one for every place that
 * carries them (the store's jsonb columns, the owner's wire codec, the cluster replica), so they agree.
 * Ledger: {@code {"hour":"2026-03-02T09:00:00Z","day":"2026-03-02","week":"2026-03-02",
 * "counts":{"7":[1,3,9]},"owed":{"8":2},"lastRepaid":false}}; skipped: {@code [{"userId":7,"reason":"away"}]}.
 */
public final class RotationJson {

  private RotationJson() {}

  /** A stored or sent time-zone name as a zone; {@code UTC} (and its aliases) is {@link ZoneOffset#UTC}. */
  public static ZoneId zone(String name) {
    ZoneId z = ZoneId.of(name);
    return z.normalized().equals(ZoneOffset.UTC) ? ZoneOffset.UTC : z;
  }

  /** The name stored and shown for a zone: {@code UTC} for UTC, else its IANA id. */
  public static String zoneName(ZoneId zone) {
    return zone.normalized().equals(ZoneOffset.UTC) ? "UTC" : zone.getId();
  }

  /** Null for the empty ledger (what a new rotation stores). */
  public static String ledger(Ledger l) {
    if (l == null || l.equals(Ledger.EMPTY)) {
      return null;
    }
    JsonObject counts = new JsonObject();
    l.counts().forEach((user, c) -> counts.put(Long.toString(user), new JsonArray().add(c.hour()).add(c.day())
        .add(c.week())));
    JsonObject owed = new JsonObject();
    l.owed().forEach((user, n) -> owed.put(Long.toString(user), n));
    return new JsonObject().put("hour", l.hour() == null ? null : l.hour().toString())
        .put("day", l.day() == null ? null : l.day().toString())
        .put("week", l.week() == null ? null : l.week().toString())
        .put("counts", counts).put("owed", owed).put("lastRepaid", l.lastRepaid()).encode();
  }

  /** The ledger of {@link #ledger(Ledger)}'s text; null or blank is the empty ledger. */
  public static Ledger ledger(String json) {
    if (json == null || json.isBlank()) {
      return Ledger.EMPTY;
    }
    JsonObject j = new JsonObject(json);
    Map<Long, Ledger.Counts> counts = new HashMap<>();
    JsonObject c = j.getJsonObject("counts", new JsonObject());
    for (String user : c.fieldNames()) {
      JsonArray a = c.getJsonArray(user);
      counts.put(Long.parseLong(user), new Ledger.Counts(a.getInteger(0), a.getInteger(1), a.getInteger(2)));
    }
    Map<Long, Integer> owed = new HashMap<>();
    JsonObject o = j.getJsonObject("owed", new JsonObject());
    for (String user : o.fieldNames()) {
      owed.put(Long.parseLong(user), o.getInteger(user));
    }
    String hour = j.getString("hour");
    String day = j.getString("day");
    String week = j.getString("week");
    return new Ledger(hour == null ? null : Instant.parse(hour), day == null ? null : LocalDate.parse(day),
        week == null ? null : LocalDate.parse(week), counts, owed, j.getBoolean("lastRepaid", false));
  }

  public static JsonArray skipped(List<Rotation.Skip> skipped) {
    JsonArray a = new JsonArray();
    for (Rotation.Skip s : skipped) {
      a.add(new JsonObject().put("userId", s.userId()).put("reason", s.reason() == null ? null : s.reason().wire()));
    }
    return a;
  }

  /** Null for none (what the log stores for a pick that passed nobody over). */
  public static String skippedText(List<Rotation.Skip> skipped) {
    return skipped == null || skipped.isEmpty() ? null : skipped(skipped).encode();
  }

  public static List<Rotation.Skip> skipped(JsonArray a) {
    if (a == null) {
      return List.of();
    }
    List<Rotation.Skip> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      JsonObject s = a.getJsonObject(i);
      String reason = s.getString("reason");
      out.add(new Rotation.Skip(s.getLong("userId"), reason == null ? null : SkipReason.fromWire(reason)));
    }
    return out;
  }

  public static List<Rotation.Skip> skippedText(String json) {
    return json == null || json.isBlank() ? List.of() : skipped(new JsonArray(json));
  }
}
