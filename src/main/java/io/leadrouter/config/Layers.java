package io.leadrouter.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The raw values of the settings, layered: defaults &lt; properties file &lt; environment &lt; command line.
 * Problems (unknown names, unreadable file, a flag without its value, a blank secret) go to {@code problems}.
 */
final class Layers {

  /** Settings whose blank environment value is an error rather than "not set": a secret that went missing. */
  private static final List<String> BLANK_IS_AN_ERROR = List.of("jwt-secret", "cluster-secret");

  private Layers() {}

  static Map<String, String> read(Map<String, String> env, List<String> args, List<String> problems) {
    Map<String, String> values = new LinkedHashMap<>();
    Settings.TABLE.forEach((k, v) -> {
      if (v[0] != null) {
        values.put(k, v[0]);
      }
    });
    Map<String, String> flags = parseFlags(args, problems);
    String file = flags.getOrDefault("config", env.get("LEADROUTER_CONFIG"));
    if (file != null) {
      readFile(Path.of(file), values, problems);
    }
    Settings.TABLE.keySet().forEach(k -> {
      String e = env.get(Settings.envName(k));
      if (e != null && !e.isBlank()) {
        values.put(k, e.trim());
      } else if (e != null && BLANK_IS_AN_ERROR.contains(k)) {
        // e.g. a Secret key that exists but is empty: starting in dev mode instead would hide it
        problems.add(k + " (" + Settings.envName(k) + "): set but blank; give the value or unset the variable");
      }
    });
    flags.forEach((k, v) -> {
      if (!k.equals("config")) {
        values.put(k, v);
      }
    });
    return values;
  }

  private static Map<String, String> parseFlags(List<String> args, List<String> problems) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--")) {
        problems.add("unexpected argument '" + a + "' (settings are --name value)");
        continue;
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (name.equals("cluster") && (i + 1 >= args.size() || args.get(i + 1).startsWith("--"))) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        problems.add("--" + name + ": needs a value");
        continue;
      }
      if (!Settings.TABLE.containsKey(name) && !name.equals("config")) {
        problems.add("--" + name + ": unknown setting (known: " + String.join(", ", Settings.TABLE.keySet()) + ", config)");
        continue;
      }
      flags.put(name, value);
    }
    return flags;
  }

  private static void readFile(Path file, Map<String, String> values, List<String> problems) {
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      props.load(r);
    } catch (IOException e) {
      problems.add("config: cannot read " + file + ": " + e.getMessage());
      return;
    }
    for (String key : props.stringPropertyNames()) {
      if (Settings.TABLE.containsKey(key)) {
        values.put(key, props.getProperty(key).trim());
      } else {
        problems.add("config: unknown setting '" + key + "' in " + file);
      }
    }
  }
}
