package io.leadrouter.owner;

/**
 * A replica write that did not happen (or may not have): {@code FENCED} when another owner claimed the
 * rotation since, {@code MINORITY} when this member is on the small side of a split (split-brain
 * protection), {@code UNAVAILABLE} for anything else (timeouts, a backup that did not answer).
 */
public final class ReplicaException extends RuntimeException {

  public enum Kind { FENCED, MINORITY, UNAVAILABLE }

  private final Kind kind;

  public ReplicaException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
