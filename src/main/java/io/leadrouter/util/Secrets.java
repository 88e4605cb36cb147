package io.leadrouter.util;

import java.util.regex.Pattern;

/** Keeps secrets out of logs and error messages. */
public final class Secrets {

  private static final Pattern URI_PASSWORD = Pattern.compile("(://[^:/@?]*:)[^@/?]*@");
  private static final Pattern PARAM_PASSWORD = Pattern.compile("(?i)(password=)[^&]*");

  private Secrets() {}

  /**
   * The uri with its password replaced by {@code ***}: the one of {@code user:password@} and any
   * {@code password=} query parameter. Null stays null.
   */
  public static String maskPassword(String uri) {
    if (uri == null) {
      return null;
    }
    String masked = URI_PASSWORD.matcher(uri).replaceFirst("$1***@");
    return PARAM_PASSWORD.matcher(masked).replaceAll("$1***");
  }
}
