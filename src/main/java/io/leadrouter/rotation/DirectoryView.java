package io.leadrouter.rotation;

import java.util.Map;

/**
 * The availability of the rotation's users as the owner sees it, handed to {@link Rotation#decide} with
 * each command. A user the view does not know counts as {@link Availability#INACTIVE}.
 *
 * <p>The view object and its {@link #version()} are the cache key: the entity keeps the eligibility it
 * computed until the clock passes the earliest instant it may change, or another view or version is handed
 * in. A long-lived view must therefore return a new version whenever any availability it answers could
 * differ (a directory edit); the same view with the same version must answer the same.
 */
public interface DirectoryView {

  Availability availability(long userId);

  long version();

  /** Everyone active, no hours, never away: the behaviour before eligibility existed. */
  DirectoryView EVERYONE = new DirectoryView() {
    @Override
    public Availability availability(long userId) {
      return Availability.ALWAYS;
    }

    @Override
    public long version() {
      return 0;
    }
  };

  /** A fixed snapshot (a new view object: the cache keys on the view's identity too). */
  static DirectoryView of(Map<Long, Availability> users) {
    return of(users, 0);
  }

  static DirectoryView of(Map<Long, Availability> users, long version) {
    Map<Long, Availability> copy = Map.copyOf(users);
    return new DirectoryView() {
      @Override
      public Availability availability(long userId) {
        return copy.getOrDefault(userId, Availability.INACTIVE);
      }

      @Override
      public long version() {
        return version;
      }
    };
  }
}
