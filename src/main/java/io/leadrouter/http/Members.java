package io.leadrouter.http;

import io.leadrouter.rotation.Member;
import io.leadrouter.store.Store;
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

  static Future<List<Member>> resolve(Store store, String accountId, List<Body.MemberSpec> specs, String actor) {
    List<UserRef> refs = specs.stream().map(Body.MemberSpec::ref).toList();
    return store.resolveUsers(accountId, refs, actor).map(users -> {
      List<Member> members = new ArrayList<>(users.size());
      Set<Long> seen = new HashSet<>();
      for (int i = 0; i < users.size(); i++) {
        User u = users.get(i);
        Body.MemberSpec spec = specs.get(i);
        if (u == null) {
          throw ApiException.invalid(spec.path() + ".userId: no user " + spec.ref().userId() + " in this account");
        }
        String email = spec.ref().email();
        if (spec.ref().userId() != null && email != null && !email.equalsIgnoreCase(u.email())) {
          // the id wins in the directory lookup; an email naming someone else means the caller mixed up two people
          throw ApiException.invalid(spec.path() + ": userId " + u.id() + " is " + u.email() + ", not " + email
              + "; give one of them, or both of the same user");
        }
        if (!seen.add(u.id())) {
          throw ApiException.invalid(spec.path() + ": duplicate member " + u.email());
        }
        members.add(new Member(u.id(), u.email(), u.name(), spec.weight()));
      }
      return members;
    });
  }
}
