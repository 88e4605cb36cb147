package io.leadrouter.owner;

import io.leadrouter.rotation.DirectoryView;
import io.leadrouter.rotation.Member;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;

/**
 * The directory as the owners of one node see it: who is active, away, inside working hours, and each
 * user's current email and name. The owners hand {@link #view()} to {@code Rotation.decide} with every
 * command; before a rotation serves (activation, a membership edit) its owner calls {@link #load} for its
 * members, so the view answers for them without blocking. The view's version changes whenever a user it
 * answers for is edited (on any node of a cluster: within a second).
 */
public interface People {

  /** One long-lived view (its identity and version are the entity's cache key). Non-blocking. */
  DirectoryView view();

  /** Loads (or refreshes) these users of the account into {@link #view()}; completes when they are in. */
  Future<Void> load(String accountId, Collection<Long> userIds);

  /**
   * The members with the directory's current email and name (a member whose user is not loaded stays as it
   * is); the same list instance when nothing changed.
   */
  List<Member> current(List<Member> members);

  /** Everyone active and available, names as stored: the behaviour before the directory was followed. */
  People EVERYONE = new People() {
    @Override
    public DirectoryView view() {
      return DirectoryView.EVERYONE;
    }

    @Override
    public Future<Void> load(String accountId, Collection<Long> userIds) {
      return Future.succeededFuture();
    }

    @Override
    public List<Member> current(List<Member> members) {
      return members;
    }
  };
}
