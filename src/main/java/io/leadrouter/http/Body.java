package io.leadrouter.http;

import io.leadrouter.edge.Contract;
import io.leadrouter.error.ApiException;
import io.leadrouter.store.Text;
import io.leadrouter.store.UserRef;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Request bodies and parameters. A body is checked against its operation's schema in the API document
 * ({@link Contract}) by {@link #validated} before its handler runs, so handlers read fields already known to be
 * of the right shape; what a schema cannot say (duplicates, ids that must fit a long) is checked here. Every
 * method throws {@link ApiException} (400, 415) on bad input, before anything is changed.
 */
public final class Body {

  private static final String VALID = "body.valid";
  /** Headers whose values are stored or echoed (x-request-id goes into the assignment log). */
  private static final String[] TEXT_HEADERS = {"x-account-id", "x-request-id", "idempotency-key"};
  /** Bodies up to this size are checked on the event loop (well under a millisecond); larger ones on a worker. */
  static final int INLINE_BYTES = 8 * 1024;

  private Body() {}

  /** A member reference as sent: to be resolved against the user directory. */
  public record MemberSpec(UserRef ref, int weight, String path) {}

  /**
   * Reads the body as JSON (415 unless {@code content-type} is JSON, when {@code jsonType}), checks its text
   * can be stored, runs {@code first} (a check that must come before the shape, such as a credential in the
   * body), then checks it against the request-body schema of {@code operationId}; a failure goes to
   * {@code refused}. The handler then reads it with {@link #object}.
   */
  static Handler<RoutingContext> validated(Contract contract, String operationId, boolean jsonType,
      Consumer<JsonObject> first, BiConsumer<RoutingContext, ApiException> refused) {
    if (!contract.hasBody(operationId)) {
      throw new IllegalArgumentException("the API document has no request body for " + operationId);
    }
    return ctx -> {
      JsonObject body;
      try {
        body = parse(ctx, jsonType);
        first.accept(body);
        if (ctx.body().length() <= INLINE_BYTES) {
          contract.check(operationId, body, "");
          accepted(ctx, body);
          return;
        }
      } catch (ApiException e) {
        refused.accept(ctx, e);
        return;
      }
      // the validator costs about 0.1 ms per array item (1.4 s for 10,000 members): a big body is checked on a
      // worker, so that the event loop keeps serving picks meanwhile
      ctx.vertx().<Void>executeBlocking(() -> {
        contract.check(operationId, body, "");
        return null;
      }, false).onSuccess(v -> accepted(ctx, body)).onFailure(e -> {
        if (e instanceof ApiException refusal) {
          refused.accept(ctx, refusal);
        } else {
          ctx.fail(e);
        }
      });
    };
  }

  private static void accepted(RoutingContext ctx, JsonObject body) {
    ctx.put(VALID, body);
    ctx.next();
  }

  static Handler<RoutingContext> validated(Contract contract, String operationId) {
    return validated(contract, operationId, true, body -> {}, RoutingContext::fail);
  }

  /** The body {@link #validated} accepted. */
  public static JsonObject object(RoutingContext ctx) {
    JsonObject body = ctx.get(VALID);
    if (body == null) {
      throw new IllegalStateException("no validated body on " + ctx.request().path());
    }
    return body;
  }

  private static JsonObject parse(RoutingContext ctx, boolean jsonType) {
    String type = ctx.request().getHeader("content-type");
    if (ctx.body() == null || ctx.body().length() == 0) {
      throw ApiException.invalid("body: a JSON object is required");
    }
    if (jsonType && (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json"))) {
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

  /** A whole number the schema accepted, as a long; null when absent or JSON null. */
  public static Long whole(Object v, String field) {
    if (v == null) {
      return null;
    }
    if (v instanceof BigInteger || v instanceof BigDecimal || ((Number) v).doubleValue() != ((Number) v).longValue()) {
      throw ApiException.invalidField(field, "number out of range, got " + v);
    }
    return ((Number) v).longValue();
  }

  /**
   * Members of a rotation or team, from {@code field} (shape checked by the schema): each an email string
   * (weight 1) or an object {@code {userId?, email?, name?, weight?}}. Duplicate ids or emails are refused.
   */
  public static List<MemberSpec> members(JsonObject o, String field) {
    JsonArray a = o.getJsonArray(field);
    List<MemberSpec> out = new ArrayList<>();
    Set<String> emails = new HashSet<>();
    Set<Long> ids = new HashSet<>();
    for (int i = 0; i < a.size(); i++) {
      String path = field + "[" + i + "]";
      MemberSpec spec;
      if (a.getValue(i) instanceof String s) {
        spec = new MemberSpec(new UserRef(null, s.trim(), null), 1, path);
      } else {
        JsonObject m = a.getJsonObject(i);
        String email = m.getString("email") == null ? null : m.getString("email").trim();
        Long weight = whole(m.getValue("weight"), path + ".weight");
        spec = new MemberSpec(new UserRef(userId(m.getValue("userId"), path + ".userId"), email, m.getString("name")),
            weight == null ? 1 : weight.intValue(), path);
      }
      if (spec.ref().email() != null && !emails.add(spec.ref().email().toLowerCase(Locale.ROOT))) {
        throw ApiException.invalidField(path + ".email", "duplicate member " + spec.ref().email());
      }
      if (spec.ref().userId() != null && !ids.add(spec.ref().userId())) {
        throw ApiException.invalidField(path + ".userId", "duplicate member " + spec.ref().userId());
      }
      out.add(spec);
    }
    return out;
  }

  /** A userId the schema accepted: a number or a numeric string (the seeds use both) that must fit a long. */
  public static Long userId(Object v, String path) {
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw ApiException.invalidField(path, "'" + s + "' is not a user id");
      }
    }
    return whole(v, path);
  }

  /** Query parameters, and the headers handlers use as text, must be text the store can keep. */
  static void checkText(RoutingContext ctx) {
    MultiMap query;
    try {
      query = ctx.queryParams();
    } catch (RuntimeException e) {
      ctx.fail(ApiException.invalid("query: malformed query string"));
      return;
    }
    for (Map.Entry<String, String> p : query) {
      if (Text.problem(p.getKey()) != null) {
        ctx.fail(ApiException.invalid("query: a parameter name " + Text.problem(p.getKey())));
        return;
      }
      String problem = Text.problem(p.getValue());
      if (problem != null) {
        ctx.fail(ApiException.invalid(p.getKey() + ": " + problem));
        return;
      }
    }
    for (String header : TEXT_HEADERS) {
      String value = ctx.request().getHeader(header);
      if (value != null && Text.problem(value) != null) {
        ctx.fail(ApiException.invalid(header + ": " + Text.problem(value)));
        return;
      }
    }
    ctx.next();
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
