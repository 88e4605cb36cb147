package io.leadrouter.store;

import io.leadrouter.error.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Text the store cannot keep. Postgres refuses NUL in {@code text} and {@code jsonb}, and the driver writes an
 * unpaired UTF-16 surrogate as {@code ?}: both are refused at the edge, once for a whole request body (every
 * string and field name, at any depth) and for the query parameters and headers the service uses, with a
 * message naming where ({@code members[2].email}).
 */
public final class Text {

  private Text() {}

  /** What is wrong with {@code s} for storage, or null when nothing is. */
  public static String problem(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) {
        return "must not contain the NUL character (\\u0000)";
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return "contains an unpaired UTF-16 surrogate (\\u" + Integer.toHexString(c) + ")";
      }
      if (Character.isLowSurrogate(c)) {
        return "contains an unpaired UTF-16 surrogate (\\u" + Integer.toHexString(c) + ")";
      }
    }
    return null;
  }

  /** Throws a 400 naming {@code what} when {@code s} cannot be stored; null passes. */
  public static String check(String s, String what) {
    String problem = s == null ? null : problem(s);
    if (problem != null) {
      throw ApiException.invalid(what + ": " + problem);
    }
    return s;
  }

  /**
   * Walks a parsed JSON value; throws a 400 naming the first string (or field name) that cannot be stored.
   * {@code path} names the value itself ("" for a whole body).
   */
  public static void checkJson(Object value, String path) {
    if (value instanceof String s) {
      check(s, path.isEmpty() ? "body" : path);
    } else if (value instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        String name = e.getKey();
        String problem = problem(name);
        if (problem != null) {
          throw ApiException.invalid((path.isEmpty() ? "body" : path) + ": a field name " + problem);
        }
        checkJson(e.getValue(), path.isEmpty() ? name : path + "." + name);
      }
    } else if (value instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        checkJson(a.getValue(i), (path.isEmpty() ? "body" : path) + "[" + i + "]");
      }
    }
  }
}
