package io.leadrouter.rotation;

/**
 * Where a pick goes when nobody in the rotation is eligible: another rotation's pick or a fixed user. Exactly
 * one of {@code rotationId} and {@code userId} is set. The owner resolves it; the entity only carries it.
 */
public record Fallback(Long rotationId, Long userId) {

  public Fallback {
    if ((rotationId == null) == (userId == null)) {
      throw new IllegalArgumentException("fallback: exactly one of rotationId and userId");
    }
  }

  public static Fallback rotation(long rotationId) {
    return new Fallback(rotationId, null);
  }

  public static Fallback user(long userId) {
    return new Fallback(null, userId);
  }
}
