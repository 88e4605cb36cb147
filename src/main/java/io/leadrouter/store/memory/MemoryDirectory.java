package io.leadrouter.store.memory;

import static io.leadrouter.store.memory.MemoryTables.conflict;
import static io.leadrouter.store.memory.MemoryTables.emailKey;
import static io.leadrouter.store.memory.MemoryTables.notFound;
import static io.leadrouter.store.memory.MemoryTables.page;

import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.store.Directory;
import io.leadrouter.store.StoredRotation;
import io.leadrouter.store.Page;
import io.leadrouter.store.Team;
import io.leadrouter.store.TeamDraft;
import io.leadrouter.store.User;
import io.leadrouter.store.UserDraft;
import io.leadrouter.store.UserRef;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** {@link Directory} over the in-memory tables; deletes check the rotations and teams that name the row. */
final class MemoryDirectory implements Directory {

  private final MemoryTables db;

  MemoryDirectory(MemoryTables db) {
    this.db = db;
  }

  // ---- users ------------------------------------------------------------------------------------------

  @Override
  public Future<User> createUser(String accountId, UserDraft d, String actor) {
    long id = db.ids.incrementAndGet();
    if (db.userByEmail.putIfAbsent(emailKey(accountId, d.email()), id) != null) {
      return conflict("email: a user with email " + d.email() + " already exists");
    }
    Instant now = db.clock.instant();
    User user = new User(id, accountId, d.email(), d.name() == null ? User.defaultName(d.email()) : d.name(),
        d.roles() == null ? List.of() : d.roles(), d.active() == null || d.active(), now, now, actor, actor,
        d.timeZone(), d.workingHours(), d.awayUntil());
    db.users.put(id, user);
    return Future.succeededFuture(user);
  }

  @Override
  public Future<User> findUserByEmail(String accountId, String email) {
    Long id = db.userByEmail.get(emailKey(accountId, email));
    return Future.succeededFuture(id == null ? null : db.users.get(id));
  }

  @Override
  public Future<User> getUser(String accountId, long id) {
    User u = db.users.get(id);
    return Future.succeededFuture(u != null && u.accountId().equals(accountId) ? u : null);
  }

  @Override
  public Future<Page<User>> listUsers(String accountId, int limit, int offset) {
    List<User> all = db.users.values().stream().filter(u -> u.accountId().equals(accountId))
        .sorted(Comparator.comparingLong(User::id)).toList();
    return Future.succeededFuture(page(all, limit, offset));
  }

  @Override
  public Future<User> updateUser(String accountId, long id, UserDraft d, String actor) {
    User old = db.users.get(id);
    if (old == null || !old.accountId().equals(accountId)) {
      return notFound("user " + id);
    }
    String email = d.email() == null ? old.email() : d.email();
    if (!email.equalsIgnoreCase(old.email())) {
      if (db.userByEmail.putIfAbsent(emailKey(accountId, email), id) != null) {
        return conflict("email: a user with email " + email + " already exists");
      }
      db.userByEmail.remove(emailKey(accountId, old.email()), id);
    }
    User updated = new User(id, accountId, email, d.name() == null ? old.name() : d.name(),
        d.roles() == null ? old.roles() : d.roles(), d.active() == null ? old.active() : d.active(),
        old.createdAt(), db.clock.instant(), old.createdBy(), actor,
        d.timeZone() == null ? old.timeZone() : d.timeZone(),
        d.clearWorkingHours() ? null : d.workingHours() == null ? old.workingHours() : d.workingHours(),
        d.clearAwayUntil() ? null : d.awayUntil() == null ? old.awayUntil() : d.awayUntil());
    db.users.put(id, updated);
    if (!updated.email().equals(old.email()) || !Objects.equals(updated.name(), old.name())) {
      copyNames(updated);
    }
    return Future.succeededFuture(updated);
  }

  /** The copies of the user's email and name in rotation and team members, as the Postgres adapter keeps them. */
  private void copyNames(User u) {
    db.rotations.replaceAll((id, r) -> {
      if (!r.state().accountId().equals(u.accountId())
          || r.state().members().stream().noneMatch(m -> m.userId() == u.id())) {
        return r;
      }
      List<Member> members = r.state().members().stream().map(m -> m.userId() != u.id() ? m
          : new Member(m.userId(), u.email(), u.name(), m.weight(), m.paused(), m.caps())).toList();
      RotationState s = r.state();
      return new StoredRotation(new RotationState(s.id(), s.accountId(), s.name(), s.status(), s.teamId(), members,
          s.position(), s.sequence(), s.createdAt(), s.updatedAt(), s.createdBy(), s.updatedBy(), s.timeZone(),
          s.catchUp(), s.fallback(), s.followsTeam(), s.ledger()), r.sequenceCeiling());
    });
    db.teams.replaceAll((id, t) -> t.accountId().equals(u.accountId())
        && t.members().stream().anyMatch(m -> m.userId() == u.id())
        ? new Team(t.id(), t.accountId(), t.name(), t.active(), t.members().stream().map(m -> m.userId() != u.id() ? m
            : new Team.TeamMember(m.userId(), u.email(), u.name())).toList(), t.createdAt(), t.updatedAt(),
            t.createdBy(), t.updatedBy())
        : t);
  }

  @Override
  public Future<Void> deleteUser(String accountId, long id) {
    User old = db.users.get(id);
    if (old == null || !old.accountId().equals(accountId)) {
      return notFound("user " + id);
    }
    boolean inRotation = db.rotations.values().stream().anyMatch(r -> r.state().accountId().equals(accountId)
        && r.state().members().stream().anyMatch(m -> m.userId() == id));
    boolean inTeam = db.teams.values().stream().anyMatch(t -> t.accountId().equals(accountId)
        && t.members().stream().anyMatch(m -> m.userId() == id));
    if (inRotation || inTeam) {
      return conflict("user " + id + " is still a member of a " + (inRotation ? "rotation" : "team")
          + "; remove it there first or set active=false");
    }
    db.users.remove(id);
    db.userByEmail.remove(emailKey(accountId, old.email()), id);
    return Future.succeededFuture();
  }

  @Override
  public Future<List<User>> resolveUsers(String accountId, List<UserRef> refs, String actor) {
    List<User> out = new ArrayList<>(refs.size());
    for (UserRef ref : refs) {
      if (ref.userId() != null) {
        User u = db.users.get(ref.userId());
        out.add(u != null && u.accountId().equals(accountId) ? u : null);
        continue;
      }
      Long existing = db.userByEmail.get(emailKey(accountId, ref.email()));
      if (existing != null) {
        out.add(db.users.get(existing));
        continue;
      }
      Future<User> created = createUser(accountId, new UserDraft(ref.email(), ref.name(), null, true), actor);
      // a concurrent create of the same email wins; use its user
      out.add(created.succeeded() ? created.result()
          : db.users.get(db.userByEmail.get(emailKey(accountId, ref.email()))));
    }
    return Future.succeededFuture(out);
  }

  // ---- teams ------------------------------------------------------------------------------------------

  private List<Team.TeamMember> teamMembers(List<Long> userIds) {
    List<Team.TeamMember> members = new ArrayList<>();
    for (Long id : userIds) {
      User u = db.users.get(id);
      members.add(new Team.TeamMember(id, u.email(), u.name()));
    }
    return members;
  }

  @Override
  public Future<Team> createTeam(String accountId, TeamDraft d, String actor) {
    Instant now = db.clock.instant();
    Team team = new Team(db.ids.incrementAndGet(), accountId, d.name(), d.active() == null || d.active(),
        teamMembers(d.memberUserIds() == null ? List.of() : d.memberUserIds()), now, now, actor, actor);
    db.teams.put(team.id(), team);
    return Future.succeededFuture(team);
  }

  @Override
  public Future<Team> getTeam(String accountId, long id) {
    Team t = db.teams.get(id);
    return Future.succeededFuture(t != null && t.accountId().equals(accountId) ? t : null);
  }

  @Override
  public Future<Page<Team>> listTeams(String accountId, int limit, int offset) {
    List<Team> all = db.teams.values().stream().filter(t -> t.accountId().equals(accountId))
        .sorted(Comparator.comparingLong(Team::id)).toList();
    return Future.succeededFuture(page(all, limit, offset));
  }

  @Override
  public Future<Team> updateTeam(String accountId, long id, TeamDraft d, String actor) {
    Team old = db.teams.get(id);
    if (old == null || !old.accountId().equals(accountId)) {
      return notFound("team " + id);
    }
    Team updated = new Team(id, accountId, d.name() == null ? old.name() : d.name(),
        d.active() == null ? old.active() : d.active(),
        d.memberUserIds() == null ? old.members() : teamMembers(d.memberUserIds()),
        old.createdAt(), db.clock.instant(), old.createdBy(), actor);
    db.teams.put(id, updated);
    return Future.succeededFuture(updated);
  }

  @Override
  public Future<Void> deleteTeam(String accountId, long id) {
    Team old = db.teams.get(id);
    if (old == null || !old.accountId().equals(accountId)) {
      return notFound("team " + id);
    }
    boolean used = db.rotations.values().stream().anyMatch(r -> Long.valueOf(id).equals(r.state().teamId()));
    if (used) {
      return conflict("team " + id + " is still used by a rotation; change the rotation's teamId first");
    }
    db.teams.remove(id);
    return Future.succeededFuture();
  }
}
