package io.leadrouter.owner;

import io.leadrouter.error.ApiException;
import io.leadrouter.error.ErrorKind;

/**
 * A replica write that did not happen (or may not have): {@code FENCED} when another owner claimed the
 * rotation since, {@code MINORITY} when this member is on the small side of a split (split-brain
 * protection), {@code UNAVAILABLE} for anything else (timeouts, a backup that did not answer, a Hazelcast
 * member shutting down). Keeps its stack trace and cause: these failures are rare and worth reading.
 * To a client every kind is {@link ErrorKind#UNAVAILABLE} (retry); {@code FENCED} never reaches one, the
 * owners' client resends the command to the new owner ({@link Messages#MOVED}).
 */
public final class ReplicaException extends ApiException {

  public enum Kind { FENCED, MINORITY, UNAVAILABLE }

  private final Kind kind;

  public ReplicaException(Kind kind, String message) {
    this(kind, message, null);
  }

  public ReplicaException(Kind kind, String message, Throwable cause) {
    super(ErrorKind.UNAVAILABLE, message, cause, true);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
