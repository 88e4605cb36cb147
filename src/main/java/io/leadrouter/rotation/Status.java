package io.leadrouter.rotation;

import java.util.Locale;
import java.util.Optional;

/** Lifecycle of a rotation. Only {@link #ACTIVE} rotations hand out picks. */
public enum Status {
  ACTIVE, ARCHIVED, QUEUED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Status> parse(String s) {
    if (s == null) {
      return Optional.empty();
    }
    for (Status status : values()) {
      if (status.wire().equals(s)) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }
}
