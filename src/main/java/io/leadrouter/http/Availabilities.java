package io.leadrouter.http;

import io.leadrouter.error.ApiException;
import io.leadrouter.rotation.WorkingHours;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The availability fields of a directory user in a request body: {@code timeZone} (an IANA zone name),
 * {@code workingHours} (see {@link WorkingHours#parse}) and {@code awayUntil} (an ISO-8601 instant). A bad
 * value is a 400 naming the field; an absent or null one reads as null (the caller tells the two apart).
 */
final class Availabilities {

  private Availabilities() {}

  static ZoneId timeZone(JsonObject body) {
    Object raw = body.getValue("timeZone");
    if (raw == null) {
      return null;
    }
    // IANA names only: ZoneId.of also takes offsets ("+02:00") and prefixed ones ("UTC+2"), which have no DST rules
    if (!(raw instanceof String name) || !ZoneId.getAvailableZoneIds().contains(name)) {
      throw ApiException.invalid("timeZone: " + (raw instanceof String ? "\"" + raw + "\"" : "a " + kind(raw))
          + " is not an IANA time zone name (e.g. \"Europe/Berlin\", \"UTC\")");
    }
    return ZoneId.of(name);
  }

  @SuppressWarnings("unchecked")
  static WorkingHours workingHours(JsonObject body) {
    Object raw = body.getValue("workingHours");
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof JsonObject o)) {
      throw ApiException.invalid("workingHours: expected an object of weekdays, e.g. {\"mon\": [[\"09:00\", \"17:30\"]]},"
          + " or null for always available");
    }
    try {
      return WorkingHours.parse("workingHours", (Map<String, ?>) normalized(o));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(e.getMessage());
    }
  }

  static Instant awayUntil(JsonObject body) {
    Object raw = body.getValue("awayUntil");
    if (raw == null) {
      return null;
    }
    if (raw instanceof String text) {
      try {
        Instant at = text.endsWith("Z") || text.endsWith("z") ? Instant.parse(text) : OffsetDateTime.parse(text).toInstant();
        if (!at.isBefore(Body.MIN_INSTANT) && !at.isAfter(Body.MAX_INSTANT)) {
          return at.truncatedTo(ChronoUnit.MICROS);
        }
      } catch (DateTimeException e) {
        // answered below
      }
    }
    throw ApiException.invalid("awayUntil: expected an ISO-8601 instant with a zone or offset (e.g."
        + " \"2026-03-02T09:00:00Z\") or null, got " + (raw instanceof String ? "\"" + raw + "\"" : "a " + kind(raw)));
  }

  /** Nested JSON as plain maps and lists, which WorkingHours reads. */
  private static Object normalized(JsonObject o) {
    return o.getMap().entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
        e -> plain(e.getValue()), (a, b) -> a, java.util.LinkedHashMap::new));
  }

  private static Object plain(Object v) {
    if (v instanceof io.vertx.core.json.JsonArray a) {
      return a.getList().stream().map(Availabilities::plain).toList();
    }
    if (v instanceof JsonObject o) {
      return normalized(o);
    }
    return v;
  }

  private static String kind(Object raw) {
    return raw instanceof Number ? "number" : raw instanceof Boolean ? "boolean"
        : raw instanceof JsonObject ? "object" : raw instanceof io.vertx.core.json.JsonArray ? "array" : "value";
  }
}
