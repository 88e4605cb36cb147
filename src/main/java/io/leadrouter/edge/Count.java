package io.leadrouter.edge;

import io.leadrouter.error.ApiException;

/**
 * A {@code count} of things asked for, as a JSON number or a query parameter's text: a whole number in
 * 1..max, or the default when absent; anything else is a 400 naming the field and what it got.
 */
public final class Count {

  private Count() {}

  public static int of(Object raw, String field, int absent, int max) {
    if (raw == null) {
      return absent;
    }
    long n = -1;
    if (raw instanceof Number number && number.doubleValue() == number.longValue()) {
      n = number.longValue();
    } else if (raw instanceof String text) {
      try {
        n = Long.parseLong(text.strip());
      } catch (NumberFormatException e) {
        n = -1;
      }
    }
    if (n < 1 || n > max) {
      throw ApiException.invalidField(field, "must be a whole number 1.." + max + ", got "
          + (raw instanceof String ? "'" + raw + "'" : raw));
    }
    return (int) n;
  }
}
