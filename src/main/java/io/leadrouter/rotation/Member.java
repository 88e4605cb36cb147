package io.leadrouter.rotation;

/**
 * A person in a rotation. {@code userId} is the id of the account's directory user; {@code weight} is 1..10.
 * {@code paused}: this rotation skips the member. {@code caps}: limits on its picks in this rotation (never
 * null; {@link Caps#NONE} when unlimited).
 */
public record Member(long userId, String email, String name, int weight, boolean paused, Caps caps) {

  public static final int MIN_WEIGHT = 1;
  public static final int MAX_WEIGHT = 10;

  public Member {
    if (email == null || email.isBlank()) {
      throw new IllegalArgumentException("member email is required");
    }
    if (weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException("weight must be 1..10, got " + weight);
    }
    caps = caps == null ? Caps.NONE : caps;
  }

  /** Not paused, no caps: what every member was before eligibility existed. */
  public Member(long userId, String email, String name, int weight) {
    this(userId, email, name, weight, false, Caps.NONE);
  }

  public Member withSettings(int weight, boolean paused, Caps caps) {
    return new Member(userId, email, name, weight, paused, caps);
  }
}
