package io.leadrouter.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Typed reads of the layered values; each bad value adds one problem naming the setting. */
record Parser(Map<String, String> values, List<String> problems) {

  String where(String k) {
    return k + " (" + Settings.envName(k) + " / --" + k + ")";
  }

  String string(String k) {
    return values.get(k);
  }

  int integer(String k, int min, int max) {
    String v = values.get(k);
    try {
      int i = Integer.parseInt(v);
      if (i < min || i > max) {
        problems.add(where(k) + ": " + v + " is outside " + min + ".." + max);
      }
      return i;
    } catch (NumberFormatException e) {
      problems.add(where(k) + ": '" + v + "' is not a whole number");
      return min;
    }
  }

  boolean bool(String k) {
    String v = values.get(k).toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      problems.add(where(k) + ": '" + v + "' is not true or false");
    }
    return v.equals("true");
  }

  String oneOf(String k, String... allowed) {
    String v = values.get(k);
    for (String a : allowed) {
      if (a.equalsIgnoreCase(v)) {
        return a;
      }
    }
    problems.add(where(k) + ": '" + v + "' is not one of " + String.join(", ", allowed));
    return allowed[0];
  }

  String secret(String k) {
    String v = values.get(k);
    if (v != null && v.length() < 32) {
      problems.add(where(k) + ": too short (" + v.length() + " characters; at least 32)");
    }
    return v;
  }

  /** A readable file, or null when not set. */
  Path path(String k) {
    List<Path> paths = paths(k);
    if (paths.size() > 1) {
      problems.add(where(k) + ": one file, not a list");
    }
    return paths.isEmpty() ? null : paths.get(0);
  }

  List<Path> paths(String k) {
    String v = values.get(k);
    List<Path> out = new ArrayList<>();
    if (v == null || v.isBlank()) {
      return out;
    }
    for (String part : v.split(",")) {
      Path path = Path.of(part.trim());
      if (!Files.isReadable(path)) {
        problems.add(where(k) + ": cannot read " + path);
      }
      out.add(path);
    }
    return out;
  }
}
