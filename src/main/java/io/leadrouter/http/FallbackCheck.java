package io.leadrouter.http;

import io.leadrouter.error.ApiException;
import io.leadrouter.error.ErrorKind;
import io.leadrouter.owner.RotationService;
import io.leadrouter.rotation.Fallback;
import io.leadrouter.store.Directory;
import io.vertx.core.Future;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A rotation's {@code fallback} as configured (POST/PUT): a user must be an active user of the account; a
 * rotation must exist in the account, and following its fallbacks from the rotation configured must end
 * within {@link #MAX_CHAIN} rotations without coming back to one already on the way (a cycle). 400 otherwise.
 */
final class FallbackCheck {

  static final int MAX_CHAIN = 3;

  private FallbackCheck() {}

  /** {@code self}: the rotation being configured (null when it is being created). */
  static Future<Void> check(Directory directory, RotationService rotations, String accountId, Long self,
      Fallback fallback) {
    if (fallback == null) {
      return Future.succeededFuture();
    }
    if (fallback.userId() != null) {
      long userId = fallback.userId();
      return directory.getUser(accountId, userId).map(u -> {
        if (u == null) {
          throw ApiException.invalid("fallback.userId: no user " + userId + " in this account");
        }
        if (!u.active()) {
          throw ApiException.invalid("fallback.userId: user " + userId + " is not active");
        }
        return null;
      });
    }
    Set<Long> seen = new LinkedHashSet<>();
    if (self != null) {
      seen.add(self);
    }
    return follow(rotations, accountId, fallback.rotationId(), seen, 1);
  }

  private static Future<Void> follow(RotationService rotations, String accountId, long next, Set<Long> seen,
      int depth) {
    if (seen.contains(next)) {
      return Future.failedFuture(ApiException.invalid("fallback.rotationId: rotation " + next
          + " is already on the fallback chain " + seen + ": a cycle"));
    }
    if (depth > MAX_CHAIN) {
      return Future.failedFuture(ApiException.invalid("fallback.rotationId: the fallback chain " + seen + " -> "
          + next + " is longer than " + MAX_CHAIN));
    }
    seen.add(next);
    return rotations.get(accountId, next).transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(ar.cause() instanceof ApiException e && e.error() == ErrorKind.NOT_FOUND
            ? ApiException.invalid("fallback.rotationId: no rotation " + next + " in this account") : ar.cause());
      }
      Fallback f = ar.result().fallback();
      return f == null || f.rotationId() == null ? Future.succeededFuture()
          : follow(rotations, accountId, f.rotationId(), seen, depth + 1);
    });
  }
}
