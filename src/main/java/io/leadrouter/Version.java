package io.leadrouter;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The service's version, from a resource the build fills in ({@code leadrouter-version.properties}). */
public final class Version {

  public static final String VERSION = read();

  private Version() {}

  private static String read() {
    Properties p = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("/leadrouter-version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    String v = p.getProperty("version", "unknown");
    return v.startsWith("${") ? "unknown" : v;
  }
}
