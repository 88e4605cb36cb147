package io.leadrouter.http;

import io.leadrouter.error.ApiException;
import io.leadrouter.rotation.Caps;
import io.leadrouter.rotation.Fallback;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.store.RotationJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The rotation-side fields of the people issue in request bodies: {@code timeZone}, {@code catchUp} and
 * {@code fallback} on a rotation; {@code paused} and {@code caps} on a member (in {@code members[]} and in
 * {@code PATCH /lead-rotations/{id}/members/{userId}}). Every error names its field.
 */
final class RotationSettings {

  static final Set<String> FIELDS = Set.of("timeZone", "catchUp", "fallback");
  private static final int MAX_CAP = 1_000_000;

  private RotationSettings() {}

  /** An IANA zone name; null when absent. */
  static ZoneId timeZone(JsonObject body) {
    Object v = body.getValue("timeZone");
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw ApiException.invalid("timeZone: must be an IANA time-zone name such as Europe/Berlin");
    }
    try {
      if (s.startsWith("+") || s.startsWith("-")) {
        throw new DateTimeException("an offset, not a zone");
      }
      return RotationJson.zone(s);
    } catch (DateTimeException e) {
      throw ApiException.invalid("timeZone: unknown time zone '" + s + "'; use an IANA name such as Europe/Berlin");
    }
  }

  /** {@code {"rotationId": n}} or {@code {"userId": n}}; null when absent or null. */
  static Fallback fallback(JsonObject body) {
    Object v = body.getValue("fallback");
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject f)) {
      throw ApiException.invalid("fallback: must be {\"rotationId\": n}, {\"userId\": n} or null");
    }
    Long rotationId = positive(f.getValue("rotationId"), "fallback.rotationId");
    Long userId = positive(f.getValue("userId"), "fallback.userId");
    if ((rotationId == null) == (userId == null)) {
      throw ApiException.invalid("fallback: give exactly one of rotationId and userId");
    }
    return rotationId != null ? Fallback.rotation(rotationId) : Fallback.user(userId);
  }

  /** {@code {"hour","day","week"}}, any subset, each at least 1; null when absent. */
  static Caps caps(Object v, String path) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject c)) {
      throw ApiException.invalid(path + ": must be an object with any of hour, day, week");
    }
    return new Caps(cap(c, "hour", path), cap(c, "day", path), cap(c, "week", path));
  }

  private static Integer cap(JsonObject c, String field, String path) {
    Long n = Body.whole(c.getValue(field), path + "." + field);
    if (n != null && (n < 1 || n > MAX_CAP)) {
      throw ApiException.invalid(path + "." + field + ": must be 1.." + MAX_CAP);
    }
    return n == null ? null : n.intValue();
  }

  private static Long positive(Object v, String field) {
    Long n = Body.whole(v, field);
    if (n != null && n <= 0) {
      throw ApiException.invalid(field + ": must be positive");
    }
    return n;
  }

  /** {@code members} with the {@code paused} and {@code caps} of the body's member objects (by index). */
  static List<Member> withMemberSettings(List<Member> members, JsonObject body, String field) {
    if (!(body.getValue(field) instanceof JsonArray a)) {
      return members;
    }
    List<Member> out = new ArrayList<>(members.size());
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      if (a.getValue(i) instanceof JsonObject o) {
        String path = field + "[" + i + "]";
        Object p = o.getValue("paused");
        if (p != null && !(p instanceof Boolean)) {
          throw ApiException.invalid(path + ".paused: must be true or false");
        }
        boolean paused = Boolean.TRUE.equals(p);
        Caps caps = caps(o.getValue("caps"), path + ".caps");
        m = m.withSettings(m.weight(), paused, caps == null ? Caps.NONE : caps);
      }
      out.add(m);
    }
    return out;
  }

  /** The members with {@code userId}'s member changed by a PATCH body; 404 when it is not a member. */
  /** PATCH …/members/{userId}: the member's new settings where present, for the owner to apply. */
  static Rotation.PatchMember patch(String accountId, long rotationId, long userId, JsonObject body, String actor) {
    Long weight = Body.whole(body.getValue("weight"), "weight");
    if (weight != null && (weight < Member.MIN_WEIGHT || weight > Member.MAX_WEIGHT)) {
      throw ApiException.invalid("weight: must be " + Member.MIN_WEIGHT + ".." + Member.MAX_WEIGHT);
    }
    Caps caps = body.containsKey("caps") && body.getValue("caps") == null ? Caps.NONE
        : caps(body.getValue("caps"), "caps");
    return new Rotation.PatchMember(accountId, rotationId, userId, weight == null ? null : weight.intValue(),
        body.getBoolean("paused"), caps, actor);
  }
}
