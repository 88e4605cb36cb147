package io.leadrouter.http;

import io.leadrouter.error.ApiException;
import io.leadrouter.rotation.Member;
import io.leadrouter.store.Directory;
import io.leadrouter.store.User;
import io.leadrouter.store.UserRef;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Resolves member references against the account's user directory (unknown emails become users). A member
 * given by both {@code userId} and {@code email} must name one user by both.
 */
final class Members {

  private Members() {}

  static Future<List<Member>> resolve(Directory store, String accountId, List<Body.MemberSpec> specs, String actor) {
    List<Body.MemberSpec> byId = specs.stream().filter(s -> s.ref().userId() != null).toList();
    boolean adds = byId.size() < specs.size();
    // members given by id are checked first when others may add users to the directory: a refused request
    // must add none (resolving refs that carry an id creates nothing)
    Future<Void> checked = byId.isEmpty() || !adds ? Future.succeededFuture()
        : store.resolveUsers(accountId, byId.stream().map(Body.MemberSpec::ref).toList(), actor).map(users -> {
          for (int i = 0; i < users.size(); i++) {
            check(byId.get(i), users.get(i));
          }
          return null;
        });
    List<UserRef> refs = specs.stream().map(Body.MemberSpec::ref).toList();
    return checked.compose(v -> store.resolveUsers(accountId, refs, actor)).map(users -> {
      List<Member> members = new ArrayList<>(users.size());
      Set<Long> seen = new HashSet<>();
      for (int i = 0; i < users.size(); i++) {
        User u = users.get(i);
        Body.MemberSpec spec = specs.get(i);
        check(spec, u);
        if (!seen.add(u.id())) {
          throw ApiException.invalid(spec.path() + ": duplicate member " + u.email());
        }
        members.add(new Member(u.id(), u.email(), u.name(), spec.weight()));
      }
      return members;
    });
  }

  /** The user a member reference resolved to exists and, given both, has the id and the email sent. */
  private static void check(Body.MemberSpec spec, User u) {
    if (u == null) {
      throw ApiException.invalid(spec.path() + ".userId: no user " + spec.ref().userId() + " in this account");
    }
    String email = spec.ref().email();
    if (spec.ref().userId() != null && email != null && !email.equalsIgnoreCase(u.email())) {
      // the id wins in the directory lookup; an email naming someone else means the caller mixed up two people
      throw ApiException.invalid(spec.path() + ": userId " + u.id() + " is " + u.email() + ", not " + email
          + "; give one of them, or both of the same user");
    }
  }
}
