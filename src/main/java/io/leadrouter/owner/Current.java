package io.leadrouter.owner;

import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Rotation.UserPicked;
import io.leadrouter.rotation.RotationState;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the owners hand out carries the directory's current email and name of each user ({@link People#current}):
 * replies, and the pick's log row. The same instance comes back when nothing changed (the usual case).
 */
final class Current {

  private Current() {}

  static RotationState state(People people, RotationState s) {
    List<Member> members = people.current(s.members());
    if (members == s.members()) {
      return s;
    }
    return new RotationState(s.id(), s.accountId(), s.name(), s.status(), s.teamId(), members, s.position(),
        s.sequence(), s.createdAt(), s.updatedAt(), s.createdBy(), s.updatedBy(), s.timeZone(), s.catchUp(),
        s.fallback(), s.followsTeam(), s.ledger());
  }

  static UserPicked picked(People people, UserPicked p) {
    Member member = member(people, p.member());
    Member next = member(people, p.nextMember());
    if (member == p.member() && next == p.nextMember()) {
      return p;
    }
    return new UserPicked(p.rotationId(), p.accountId(), p.sequence(), member, p.position(), p.newPosition(), next,
        p.totalSlots(), p.at(), p.requestId(), p.skipped(), p.repayment(), p.fallbackFrom());
  }

  private static Member member(People people, Member m) {
    List<Member> one = List.of(m);
    List<Member> now = people.current(one);
    return now == one ? m : now.get(0);
  }

  /** The users a rotation's owner loads into the view: its members and a fallback user. */
  static Set<Long> users(RotationState s) {
    Set<Long> ids = new LinkedHashSet<>();
    s.members().forEach(m -> ids.add(m.userId()));
    if (s.fallback() != null && s.fallback().userId() != null) {
      ids.add(s.fallback().userId());
    }
    return ids;
  }

  static boolean sameUsers(RotationState a, RotationState b) {
    return users(a).equals(users(b));
  }
}
