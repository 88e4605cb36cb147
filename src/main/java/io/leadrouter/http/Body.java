package io.leadrouter.http;

import io.leadrouter.edge.LeadFields;
import io.leadrouter.error.ApiException;
import io.leadrouter.rotation.Member;
import io.leadrouter.store.Text;
import io.leadrouter.store.UserRef;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reading request bodies and parameters with errors that name the field. Every method throws
 * {@link ApiException} (400, 415) on bad input, before anything is changed.
 */
public final class Body {

  public static final int MAX_NAME = 200;
  public static final int MAX_EMAIL = 320;

  private Body() {}

  /** A member reference as sent: to be resolved against the user directory. */
  public record MemberSpec(UserRef ref, int weight, String path) {}

  public static JsonObject object(RoutingContext ctx) {
    String type = ctx.request().getHeader("content-type");
    if (ctx.body() == null || ctx.body().length() == 0) {
      throw ApiException.invalid("body: a JSON object is required");
    }
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new ApiException(415, "content-type: must be application/json");
    }
    Object value;
    try {
      value = Json.decodeValue(ctx.body().buffer());
    } catch (DecodeException e) {
      throw ApiException.invalid("body: not valid JSON");
    }
    if (!(value instanceof JsonObject o)) {
      throw ApiException.invalid("body: must be a JSON object");
    }
    Text.checkJson(o, "");
    return o;
  }

  /**
   * Refuses a field {@code o} does not define: a misspelled field ({@code weigth}) would otherwise be dropped
   * without a word and its default used. {@code path} names {@code o} in the message ("" for the body).
   */
  public static JsonObject known(JsonObject o, String path, Set<String> fields) {
    for (String name : o.fieldNames()) {
      if (!fields.contains(name)) {
        throw ApiException.invalid((path.isEmpty() ? "" : path + ".") + name + ": unknown field");
      }
    }
    return o;
  }

  public static String string(JsonObject o, String field, boolean required, int maxLength) {
    Object v = o.getValue(field);
    if (v == null) {
      if (required) {
        throw ApiException.invalid(field + ": required");
      }
      return null;
    }
    if (!(v instanceof String s)) {
      throw ApiException.invalid(field + ": must be a string");
    }
    if (required && s.isBlank()) {
      throw ApiException.invalid(field + ": must not be blank");
    }
    if (s.length() > maxLength) {
      throw ApiException.invalid(field + ": longer than " + maxLength + " characters");
    }
    return s;
  }

  public static String email(JsonObject o, String field, String path, boolean required) {
    String s = string(o, field, required, MAX_EMAIL);
    if (s != null && !LeadFields.isEmail(s)) {
      throw ApiException.invalid(path + ": '" + s + "' is not an email address");
    }
    return s == null ? null : s.trim();
  }

  /** A whole number, or null when absent or JSON null. */
  public static Long whole(Object v, String field) {
    if (v == null) {
      return null;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger) {
      throw ApiException.invalid(field + ": number out of range");
    }
    throw ApiException.invalid(field + ": must be a whole number");
  }

  public static Boolean bool(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Boolean b)) {
      throw ApiException.invalid(field + ": must be true or false");
    }
    return b;
  }

  public static List<String> strings(JsonObject o, String field, int maxLength) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonArray a)) {
      throw ApiException.invalid(field + ": must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof String s) || s.isBlank() || s.length() > maxLength) {
        throw ApiException.invalid(field + "[" + i + "]: must be a non-blank string of at most " + maxLength
            + " characters");
      }
      out.add(s);
    }
    return out;
  }

  /** The fields of a member object: of a rotation (with a weight), of a team (without). */
  static final Set<String> ROTATION_MEMBER = Set.of("userId", "email", "name", "weight", "paused", "caps");
  static final Set<String> TEAM_MEMBER = Set.of("userId", "email", "name");

  /**
   * Members of a rotation or team, from {@code field}: each an email string (weight 1) or an object
   * {@code {userId?, email?, name?, weight?}} (teams: no weight); any other field is refused. Duplicate ids or
   * emails are refused.
   */
  public static List<MemberSpec> members(JsonObject o, String field, boolean weights) {
    Set<String> memberFields = weights ? ROTATION_MEMBER : TEAM_MEMBER;
    Object v = o.getValue(field);
    if (!(v instanceof JsonArray a)) {
      throw ApiException.invalid(field + ": must be an array");
    }
    if (a.size() > 10_000) {
      throw ApiException.invalid(field + ": at most 10000 members");
    }
    List<MemberSpec> out = new ArrayList<>();
    Set<String> emails = new HashSet<>();
    Set<Long> ids = new HashSet<>();
    for (int i = 0; i < a.size(); i++) {
      String path = field + "[" + i + "]";
      Object item = a.getValue(i);
      MemberSpec spec;
      if (item instanceof String s) {
        if (!LeadFields.isEmail(s) || s.length() > MAX_EMAIL) {
          throw ApiException.invalid(path + ": '" + s + "' is not an email address");
        }
        spec = new MemberSpec(new UserRef(null, s.trim(), null), 1, path);
      } else if (item instanceof JsonObject m) {
        known(m, path, memberFields);
        Long userId = userId(m.getValue("userId"), path + ".userId");
        String email = email(m, "email", path + ".email", false);
        if (userId == null && email == null) {
          throw ApiException.invalid(path + ": needs a userId or an email");
        }
        String name = string(m, "name", false, MAX_NAME);
        int weight = 1;
        if (weights && m.getValue("weight") != null) {
          Long w = whole(m.getValue("weight"), path + ".weight");
          if (w < Member.MIN_WEIGHT || w > Member.MAX_WEIGHT) {
            throw ApiException.invalid(path + ".weight: must be 1..10, got " + w);
          }
          weight = w.intValue();
        }
        spec = new MemberSpec(new UserRef(userId, email, name), weight, path);
      } else {
        throw ApiException.invalid(path + ": must be an email string or a member object");
      }
      if (spec.ref().email() != null && !emails.add(spec.ref().email().toLowerCase(Locale.ROOT))) {
        throw ApiException.invalid(path + ".email: duplicate member " + spec.ref().email());
      }
      if (spec.ref().userId() != null && !ids.add(spec.ref().userId())) {
        throw ApiException.invalid(path + ".userId: duplicate member " + spec.ref().userId());
      }
      out.add(spec);
    }
    return out;
  }

  /** userId as a number or a numeric string (the seeds use both). */
  private static Long userId(Object v, String path) {
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw ApiException.invalid(path + ": '" + s + "' is not a user id");
      }
    }
    Long id = whole(v, path);
    if (id != null && id <= 0) {
      throw ApiException.invalid(path + ": must be positive");
    }
    return id;
  }

  /** A positive integer path parameter. */
  public static long id(RoutingContext ctx, String param) {
    String raw = ctx.pathParam(param);
    try {
      long id = Long.parseLong(raw);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException ignored) {
      // fall through to the error below
    }
    throw ApiException.invalid(param + ": must be a positive integer, got '" + raw + "'");
  }

  /** The earliest and latest instants a query may name: what Postgres timestamps and date arithmetic hold. */
  public static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");
  public static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999Z");

  /** An optional ISO-8601 instant query parameter between years 1 and 9999, or null when absent. */
  public static Instant instant(RoutingContext ctx, String param) {
    String raw = ctx.request().getParam(param);
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    Instant at;
    try {
      at = Instant.parse(raw);
    } catch (DateTimeParseException e) {
      throw ApiException.invalid(param + ": must be an ISO-8601 instant like 2026-11-23T10:00:00Z, got '" + raw + "'");
    }
    if (at.isBefore(MIN_INSTANT) || at.isAfter(MAX_INSTANT)) {
      throw ApiException.invalid(param + ": must be between " + MIN_INSTANT + " and " + MAX_INSTANT + ", got '"
          + raw + "'");
    }
    return at;
  }

  /** An optional integer query parameter within [min, max]. */
  public static int query(RoutingContext ctx, String param, int fallback, int min, int max) {
    String raw = ctx.request().getParam(param);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(raw);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // fall through to the error below
    }
    throw ApiException.invalid(param + ": must be an integer in " + min + ".." + max + ", got '" + raw + "'");
  }
}
