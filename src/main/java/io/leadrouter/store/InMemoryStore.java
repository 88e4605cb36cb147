package io.leadrouter.store;

import io.leadrouter.leads.InMemoryLeadStore;
import io.leadrouter.leads.LeadStore;
import io.leadrouter.rotation.RotationState;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The store for throwaway runs and tests: everything lives in this JVM and is gone when it stops.
 * Thread-safe (owners on several event loops flush concurrently) through concurrent maps and atomic
 * per-key updates; nothing here blocks.
 */
public final class InMemoryStore implements Store {

  private final Clock clock;
  private final InMemoryLeadStore leads;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, StoredRotation> rotations = new ConcurrentHashMap<>();
  private final Map<Long, User> users = new ConcurrentHashMap<>();
  private final Map<String, Long> userByEmail = new ConcurrentHashMap<>();
  private final Map<Long, Team> teams = new ConcurrentHashMap<>();
  private final Map<Long, NavigableMap<Long, Assignment>> log = new ConcurrentHashMap<>();
  private final AtomicLong progressWrites = new AtomicLong();
  private final AtomicLong flushes = new AtomicLong();

  public InMemoryStore() {
    this(Clock.systemUTC());
  }

  public InMemoryStore(Clock clock) {
    this.clock = clock;
    this.leads = new InMemoryLeadStore(clock);
  }

  // ---- rotations --------------------------------------------------------------------------------------

  @Override
  public Future<RotationState> createRotation(NewRotation r) {
    Instant now = clock.instant();
    RotationState state = new RotationState(ids.incrementAndGet(), r.accountId(), r.name(), r.status(),
        r.teamId(), r.members(), 0, 0, now, now, r.actor(), r.actor());
    rotations.put(state.id(), new StoredRotation(state, 0));
    return Future.succeededFuture(state);
  }

  @Override
  public Future<StoredRotation> loadRotation(long id) {
    return Future.succeededFuture(rotations.get(id));
  }

  @Override
  public Future<Void> saveRotation(RotationState state) {
    StoredRotation updated = rotations.computeIfPresent(state.id(),
        (id, old) -> new StoredRotation(state, old.sequenceCeiling()));
    return updated == null ? notFound("rotation " + state.id()) : Future.succeededFuture();
  }

  @Override
  public Future<Void> deleteRotation(long id) {
    return rotations.remove(id) == null ? notFound("rotation " + id) : Future.succeededFuture();
  }

  @Override
  public Future<Page<RotationState>> listRotations(String accountId, RotationFilter f) {
    Predicate<RotationState> match = s -> s.accountId().equals(accountId)
        && (f.status() == null || s.status() == f.status())
        && (f.teamId() == null || f.teamId().equals(s.teamId()));
    List<RotationState> all = rotations.values().stream().map(StoredRotation::state).filter(match)
        .sorted(Comparator.comparingLong(RotationState::id)).toList();
    return Future.succeededFuture(page(all, f.limit(), f.offset()));
  }

  @Override
  public Future<Long> reserveSequences(long rotationId, long ceiling) {
    StoredRotation updated = rotations.computeIfPresent(rotationId,
        (id, old) -> new StoredRotation(old.state(), Math.max(old.sequenceCeiling(), ceiling)));
    return updated == null ? notFound("rotation " + rotationId) : Future.succeededFuture(updated.sequenceCeiling());
  }

  @Override
  public Future<Void> releaseSequences(long rotationId, long sequence, long expectedCeiling) {
    rotations.computeIfPresent(rotationId, (id, old) -> old.state().sequence() == sequence
        && old.sequenceCeiling() == expectedCeiling ? new StoredRotation(old.state(), sequence) : old);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> flush(WriteBatch batch) {
    flushes.incrementAndGet();
    for (WriteBatch.Progress p : batch.progress()) {
      progressWrites.incrementAndGet();
      // never move backwards: a retried, older batch must not undo a newer one
      rotations.computeIfPresent(p.rotationId(), (id, old) -> old.state().sequence() >= p.sequence() ? old
          : new StoredRotation(old.state().withProgress(p.position(), p.sequence()), old.sequenceCeiling()));
    }
    for (Assignment a : batch.assignments()) {
      log.computeIfAbsent(a.rotationId(), id -> new ConcurrentSkipListMap<>()).putIfAbsent(a.sequence(), a);
    }
    return Future.succeededFuture();
  }

  /** The assignment log of one rotation, oldest first. */
  public List<Assignment> assignments(long rotationId) {
    NavigableMap<Long, Assignment> rows = log.get(rotationId);
    return rows == null ? List.of() : List.copyOf(rows.values());
  }

  /** Position/sequence row writes so far: with coalescing, far fewer than picks. */
  public long progressWrites() {
    return progressWrites.get();
  }

  public long flushes() {
    return flushes.get();
  }

  /**
   * Picks of a rotation, newest first (by pick time, then sequence). {@code userId}, {@code from}
   * (inclusive) and {@code to} (exclusive) filter when not null. Same contract as PgStore's.
   */
  @Override
  public Future<Page<Assignment>> listAssignments(long rotationId, Long userId, Instant from, Instant to,
      int limit, int offset) {
    List<Assignment> all = picks(rotationId, from, to)
        .filter(a -> userId == null || a.userId() == userId)
        .sorted(Comparator.comparing(Assignment::pickedAt).thenComparingLong(Assignment::sequence).reversed())
        .toList();
    return Future.succeededFuture(page(all, limit, offset));
  }

  /** Number of picks per user id in [from, to) (null bounds are open), ordered by user id. */
  @Override
  public Future<Map<Long, Long>> countPicksByUser(long rotationId, Instant from, Instant to) {
    return Future.succeededFuture(picks(rotationId, from, to)
        .collect(Collectors.groupingBy(Assignment::userId, TreeMap::new, Collectors.counting())));
  }

  @Override
  public Future<Integer> purgeAssignments(Instant before, int limit) {
    int n = 0;
    for (NavigableMap<Long, Assignment> rows : log.values()) {
      for (Assignment a : rows.values()) {
        if (n >= limit) {
          return Future.succeededFuture(n);
        }
        if (a.pickedAt().isBefore(before) && rows.remove(a.sequence(), a)) {
          n++;
        }
      }
    }
    return Future.succeededFuture(n);
  }

  private java.util.stream.Stream<Assignment> picks(long rotationId, Instant from, Instant to) {
    return assignments(rotationId).stream()
        .filter(a -> (from == null || !a.pickedAt().isBefore(from)) && (to == null || a.pickedAt().isBefore(to)));
  }

  // ---- users ------------------------------------------------------------------------------------------

  private static String emailKey(String accountId, String email) {
    return accountId + '\u0000' + email.toLowerCase(Locale.ROOT);
  }

  @Override
  public Future<User> createUser(String accountId, UserDraft d, String actor) {
    long id = ids.incrementAndGet();
    if (userByEmail.putIfAbsent(emailKey(accountId, d.email()), id) != null) {
      return Future.failedFuture(new StoreException(StoreException.Kind.CONFLICT,
          "email: a user with email " + d.email() + " already exists"));
    }
    Instant now = clock.instant();
    User user = new User(id, accountId, d.email(), d.name() == null ? defaultName(d.email()) : d.name(),
        d.roles() == null ? List.of() : d.roles(), d.active() == null || d.active(), now, now, actor, actor);
    users.put(id, user);
    return Future.succeededFuture(user);
  }

  static String defaultName(String email) {
    int at = email.indexOf('@');
    return at > 0 ? email.substring(0, at) : email;
  }

  @Override
  public Future<User> findUserByEmail(String accountId, String email) {
    Long id = userByEmail.get(emailKey(accountId, email));
    return Future.succeededFuture(id == null ? null : users.get(id));
  }

  @Override
  public LeadStore leads() {
    return leads;
  }

  @Override
  public Future<User> getUser(String accountId, long id) {
    User u = users.get(id);
    return Future.succeededFuture(u != null && u.accountId().equals(accountId) ? u : null);
  }

  @Override
  public Future<Page<User>> listUsers(String accountId, int limit, int offset) {
    List<User> all = users.values().stream().filter(u -> u.accountId().equals(accountId))
        .sorted(Comparator.comparingLong(User::id)).toList();
    return Future.succeededFuture(page(all, limit, offset));
  }

  @Override
  public Future<User> updateUser(String accountId, long id, UserDraft d, String actor) {
    User old = users.get(id);
    if (old == null || !old.accountId().equals(accountId)) {
      return notFound("user " + id);
    }
    String email = d.email() == null ? old.email() : d.email();
    if (!email.equalsIgnoreCase(old.email())) {
      if (userByEmail.putIfAbsent(emailKey(accountId, email), id) != null) {
        return Future.failedFuture(new StoreException(StoreException.Kind.CONFLICT,
            "email: a user with email " + email + " already exists"));
      }
      userByEmail.remove(emailKey(accountId, old.email()), id);
    }
    User updated = new User(id, accountId, email, d.name() == null ? old.name() : d.name(),
        d.roles() == null ? old.roles() : d.roles(), d.active() == null ? old.active() : d.active(),
        old.createdAt(), clock.instant(), old.createdBy(), actor);
    users.put(id, updated);
    return Future.succeededFuture(updated);
  }

  @Override
  public Future<Void> deleteUser(String accountId, long id) {
    User old = users.get(id);
    if (old == null || !old.accountId().equals(accountId)) {
      return notFound("user " + id);
    }
    boolean inRotation = rotations.values().stream().anyMatch(r -> r.state().accountId().equals(accountId)
        && r.state().members().stream().anyMatch(m -> m.userId() == id));
    boolean inTeam = teams.values().stream().anyMatch(t -> t.accountId().equals(accountId)
        && t.members().stream().anyMatch(m -> m.userId() == id));
    if (inRotation || inTeam) {
      return Future.failedFuture(new StoreException(StoreException.Kind.CONFLICT,
          "user " + id + " is still a member of a " + (inRotation ? "rotation" : "team")
              + "; remove it there first or set active=false"));
    }
    users.remove(id);
    userByEmail.remove(emailKey(accountId, old.email()), id);
    return Future.succeededFuture();
  }

  @Override
  public Future<List<User>> resolveUsers(String accountId, List<UserRef> refs, String actor) {
    List<User> out = new ArrayList<>(refs.size());
    for (UserRef ref : refs) {
      if (ref.userId() != null) {
        User u = users.get(ref.userId());
        out.add(u != null && u.accountId().equals(accountId) ? u : null);
        continue;
      }
      Long existing = userByEmail.get(emailKey(accountId, ref.email()));
      if (existing != null) {
        out.add(users.get(existing));
        continue;
      }
      Future<User> created = createUser(accountId, new UserDraft(ref.email(), ref.name(), null, true), actor);
      // a concurrent create of the same email wins; use its user
      out.add(created.succeeded() ? created.result()
          : users.get(userByEmail.get(emailKey(accountId, ref.email()))));
    }
    return Future.succeededFuture(out);
  }

  // ---- teams ------------------------------------------------------------------------------------------

  private List<Team.TeamMember> teamMembers(List<Long> userIds) {
    List<Team.TeamMember> members = new ArrayList<>();
    for (Long id : userIds) {
      User u = users.get(id);
      members.add(new Team.TeamMember(id, u.email(), u.name()));
    }
    return members;
  }

  @Override
  public Future<Team> createTeam(String accountId, TeamDraft d, String actor) {
    Instant now = clock.instant();
    Team team = new Team(ids.incrementAndGet(), accountId, d.name(), d.active() == null || d.active(),
        teamMembers(d.memberUserIds() == null ? List.of() : d.memberUserIds()), now, now, actor, actor);
    teams.put(team.id(), team);
    return Future.succeededFuture(team);
  }

  @Override
  public Future<Team> getTeam(String accountId, long id) {
    Team t = teams.get(id);
    return Future.succeededFuture(t != null && t.accountId().equals(accountId) ? t : null);
  }

  @Override
  public Future<Page<Team>> listTeams(String accountId, int limit, int offset) {
    List<Team> all = teams.values().stream().filter(t -> t.accountId().equals(accountId))
        .sorted(Comparator.comparingLong(Team::id)).toList();
    return Future.succeededFuture(page(all, limit, offset));
  }

  @Override
  public Future<Team> updateTeam(String accountId, long id, TeamDraft d, String actor) {
    Team old = teams.get(id);
    if (old == null || !old.accountId().equals(accountId)) {
      return notFound("team " + id);
    }
    Team updated = new Team(id, accountId, d.name() == null ? old.name() : d.name(),
        d.active() == null ? old.active() : d.active(),
        d.memberUserIds() == null ? old.members() : teamMembers(d.memberUserIds()),
        old.createdAt(), clock.instant(), old.createdBy(), actor);
    teams.put(id, updated);
    return Future.succeededFuture(updated);
  }

  @Override
  public Future<Void> deleteTeam(String accountId, long id) {
    Team old = teams.get(id);
    if (old == null || !old.accountId().equals(accountId)) {
      return notFound("team " + id);
    }
    boolean used = rotations.values().stream().anyMatch(r -> Long.valueOf(id).equals(r.state().teamId()));
    if (used) {
      return Future.failedFuture(new StoreException(StoreException.Kind.CONFLICT,
          "team " + id + " is still used by a rotation; change the rotation's teamId first"));
    }
    teams.remove(id);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private static <T> Page<T> page(List<T> all, int limit, int offset) {
    int from = Math.min(offset, all.size());
    int to = Math.min(all.size(), from + limit);
    return new Page<>(all.subList(from, to), all.size(), limit, offset);
  }

  private static <T> Future<T> notFound(String what) {
    return Future.failedFuture(new StoreException(StoreException.Kind.NOT_FOUND, what + " not found"));
  }
}
