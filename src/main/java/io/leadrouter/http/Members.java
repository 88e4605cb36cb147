package io.leadrouter.http;

import io.leadrouter.error.ApiException;
import io.leadrouter.rotation.Member;
import io.leadrouter.store.Store;
import io.leadrouter.store.User;
import io.leadrouter.store.UserRef;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Resolves member references against the account's user directory (unknown emails become users). */
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
        if (!seen.add(u.id())) {
          throw ApiException.invalid(spec.path() + ": duplicate member " + u.email());
        }
        members.add(new Member(u.id(), u.email(), u.name(), spec.weight()));
      }
      return members;
    });
  }
}
