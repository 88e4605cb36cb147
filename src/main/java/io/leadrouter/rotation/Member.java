package io.leadrouter.rotation;

/**
 * A person in a rotation. {@code userId} is the id of the account's directory user; {@code weight} is 1..10.
 */
public record Member(long userId, String email, String name, int weight) {

  public static final int MIN_WEIGHT = 1;
  public static final int MAX_WEIGHT = 10;

  public Member {
    if (email == null || email.isBlank()) {
      throw new IllegalArgumentException("member email is required");
    }
    if (weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException("weight must be 1..10, got " + weight);
    }
  }
}
