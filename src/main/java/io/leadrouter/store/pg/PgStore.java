package io.leadrouter.store.pg;

import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.rotation.Status;
import io.leadrouter.store.Assignment;
import io.leadrouter.store.NewRotation;
import io.leadrouter.leads.LeadStore;
import io.leadrouter.store.Page;
import io.leadrouter.store.RotationFilter;
import io.leadrouter.store.Store;
import io.leadrouter.store.StoreException;
import io.leadrouter.store.StoreException.Kind;
import io.leadrouter.store.StoredRotation;
import io.leadrouter.store.Team;
import io.leadrouter.store.TeamDraft;
import io.leadrouter.store.User;
import io.leadrouter.store.UserDraft;
import io.leadrouter.store.UserRef;
import io.leadrouter.store.WriteBatch;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Postgres store, on the reactive vertx-pg-client: nothing here blocks, every method may be called from
 * an event loop. Semantics match {@link io.leadrouter.store.InMemoryStore} (null results for absent rows,
 * the same error kinds and messages). Configuration writes complete after their transaction commits.
 *
 * <p>Failures: a database that cannot be reached (refused or dropped connection, pool timeout, server
 * shutting down) fails with {@link Kind#UNAVAILABLE}; a duplicate email with {@link Kind#CONFLICT}. Other
 * server errors are bugs and pass through unchanged.
 *
 * <p>Timestamps the store sets are truncated to microseconds, Postgres' precision, so that what a write
 * returns equals what a later read returns.
 */
public final class PgStore implements Store {

  private static final String UNIQUE_VIOLATION = "23505";

  private final Pool pool;
  private final Clock clock;
  private final Duration timeout;
  private final PgLeadStore leads;
  private final AtomicLong statements = new AtomicLong();
  private final AtomicLong progressWrites = new AtomicLong();
  private final AtomicLong flushes = new AtomicLong();

  public PgStore(Pool pool) {
    this(pool, Clock.systemUTC());
  }

  public PgStore(Pool pool, Clock clock) {
    this(pool, clock, Postgres.DEFAULT_TIMEOUT);
  }

  /** {@code timeout} bounds every call: one that takes longer fails UNAVAILABLE (see {@link #call}). */
  public PgStore(Pool pool, Clock clock, Duration timeout) {
    this.pool = pool;
    this.clock = clock;
    this.timeout = timeout;
    this.leads = new PgLeadStore(pool, clock, timeout);
  }

  /** SQL statements sent so far (BEGIN/COMMIT not counted): a flush costs at most two. */
  public long statementsExecuted() {
    return statements.get();
  }

  /** Rotation progress rows written by committed flushes: with coalescing, far fewer than picks. */
  public long progressWrites() {
    return progressWrites.get();
  }

  /** Calls of {@link #flush}, empty ones included. */
  public long flushes() {
    return flushes.get();
  }

  // ---- rotations --------------------------------------------------------------------------------------

  @Override
  public Future<RotationState> createRotation(NewRotation r) {
    Instant now = now();
    return call(() -> pool.withTransaction(conn -> run(conn, Sql.INSERT_ROTATION,
            Tuple.of(r.accountId(), r.name(), r.status().wire(), r.teamId(), time(now), r.actor()))
        .compose(rows -> {
          long id = rows.iterator().next().getLong(0);
          return insertMembers(conn, id, r.members())
              .map(v -> new RotationState(id, r.accountId(), r.name(), r.status(), r.teamId(), r.members(), 0, 0,
                  now, now, r.actor(), r.actor()));
        })));
  }

  private Future<Void> insertMembers(SqlClient conn, long rotationId, List<Member> members) {
    if (members.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = members.size();
    Long[] userIds = new Long[n];
    String[] emails = new String[n];
    String[] names = new String[n];
    Integer[] weights = new Integer[n];
    for (int i = 0; i < n; i++) {
      Member m = members.get(i);
      userIds[i] = m.userId();
      emails[i] = m.email();
      names[i] = m.name();
      weights[i] = m.weight();
    }
    return run(conn, Sql.INSERT_ROTATION_MEMBERS, Tuple.of(rotationId, userIds, emails, names, weights)).mapEmpty();
  }

  @Override
  public Future<StoredRotation> loadRotation(long id) {
    return call(() -> run(pool, Sql.LOAD_ROTATION, Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : storedRotation(rows.iterator().next())));
  }

  @Override
  public Future<Void> saveRotation(RotationState s) {
    return call(() -> pool.withTransaction(conn -> run(conn, Sql.UPDATE_ROTATION,
            Tuple.of(s.id(), s.name(), s.status().wire(), s.teamId(), s.position(), s.sequence(),
                time(s.createdAt()), time(s.updatedAt()), s.createdBy(), s.updatedBy()))
        .compose(rows -> rows.rowCount() == 0 ? notFound("rotation " + s.id())
            : run(conn, Sql.DELETE_ROTATION_MEMBERS, Tuple.of(s.id())))
        .compose(rows -> insertMembers(conn, s.id(), s.members()))));
  }

  @Override
  public Future<Void> deleteRotation(long id) {
    return call(() -> run(pool, Sql.DELETE_ROTATION, Tuple.of(id))
        .compose(rows -> rows.rowCount() == 0 ? notFound("rotation " + id) : Future.succeededFuture()));
  }

  @Override
  public Future<Page<RotationState>> listRotations(String accountId, RotationFilter f) {
    boolean byStatus = f.status() != null;
    boolean byTeam = f.teamId() != null;
    Tuple filter = Tuple.of(accountId);
    Tuple page = Tuple.of(accountId);
    if (byStatus) {
      filter.addValue(f.status().wire());
      page.addValue(f.status().wire());
    }
    if (byTeam) {
      filter.addValue(f.teamId());
      page.addValue(f.teamId());
    }
    page.addValue(f.limit()).addValue(f.offset());
    return call(() -> page(run(pool, Sql.listRotations(byStatus, byTeam), page),
        run(pool, Sql.countRotations(byStatus, byTeam), filter), PgStore::rotation, f.limit(), f.offset()));
  }

  @Override
  public Future<Long> reserveSequences(long rotationId, long ceiling) {
    return call(() -> run(pool, Sql.RESERVE_SEQUENCES, Tuple.of(rotationId, ceiling))
        .compose(rows -> rows.size() == 0 ? notFound("rotation " + rotationId)
            : Future.succeededFuture(rows.iterator().next().getLong(0))));
  }

  @Override
  public Future<Void> releaseSequences(long rotationId, long sequence, long expectedCeiling) {
    return call(() -> run(pool, Sql.RELEASE_SEQUENCES, Tuple.of(rotationId, sequence, expectedCeiling)).mapEmpty());
  }

  /**
   * One transaction of at most two statements, sent pipelined: one UPDATE for the progress of every
   * rotation in the batch (never moving a rotation backwards) and one multi-row INSERT of the assignment
   * log that ignores rows already there. Applying a batch twice therefore leaves the store as once.
   */
  @Override
  public Future<Void> flush(WriteBatch batch) {
    flushes.incrementAndGet();
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    // the owner sends one entry per rotation; should one ever send more, the newest must win. Rows go in
    // id order so that concurrent flushes touching the same rotations lock them in the same order.
    Map<Long, WriteBatch.Progress> latest = new TreeMap<>();
    for (WriteBatch.Progress p : batch.progress()) {
      latest.merge(p.rotationId(), p, (a, b) -> b.sequence() > a.sequence() ? b : a);
    }
    Tuple progress = progressArgs(latest.values());
    Tuple assignments = assignmentArgs(batch.assignments());
    return call(() -> pool.withTransaction(conn -> Future.all(
            latest.isEmpty() ? Future.succeededFuture() : run(conn, Sql.FLUSH_PROGRESS, progress),
            batch.assignments().isEmpty() ? Future.succeededFuture() : run(conn, Sql.FLUSH_ASSIGNMENTS, assignments))
        .<Void>mapEmpty())
        .onSuccess(v -> progressWrites.addAndGet(latest.size())));
  }

  private static Tuple progressArgs(Collection<WriteBatch.Progress> progress) {
    int n = progress.size();
    Long[] ids = new Long[n];
    Integer[] positions = new Integer[n];
    Long[] sequences = new Long[n];
    int i = 0;
    for (WriteBatch.Progress p : progress) {
      ids[i] = p.rotationId();
      positions[i] = p.position();
      sequences[i] = p.sequence();
      i++;
    }
    return Tuple.of(ids, positions, sequences);
  }

  private static Tuple assignmentArgs(List<Assignment> rows) {
    int n = rows.size();
    Long[] rotationIds = new Long[n];
    String[] accountIds = new String[n];
    Long[] sequences = new Long[n];
    Long[] userIds = new Long[n];
    String[] emails = new String[n];
    Integer[] positions = new Integer[n];
    OffsetDateTime[] pickedAt = new OffsetDateTime[n];
    String[] requestIds = new String[n];
    String[] nodes = new String[n];
    for (int i = 0; i < n; i++) {
      Assignment a = rows.get(i);
      rotationIds[i] = a.rotationId();
      accountIds[i] = a.accountId();
      sequences[i] = a.sequence();
      userIds[i] = a.userId();
      emails[i] = a.email();
      positions[i] = a.position();
      pickedAt[i] = time(a.pickedAt());
      requestIds[i] = a.requestId();
      nodes[i] = a.node();
    }
    return Tuple.of(rotationIds, accountIds, sequences, userIds, emails, positions, pickedAt, requestIds, nodes);
  }

  // ---- assignment history -----------------------------------------------------------------------------

  /**
   * Picks of a rotation, newest first (by pick time, then sequence). {@code userId}, {@code from}
   * (inclusive) and {@code to} (exclusive) filter when not null.
   */
  @Override
  public Future<Page<Assignment>> listAssignments(long rotationId, Long userId, Instant from, Instant to,
      int limit, int offset) {
    Tuple range = Tuple.of(rotationId, time(from), time(to));
    if (userId == null) {
      return call(() -> page(run(pool, Sql.LIST_ASSIGNMENTS, Tuple.of(rotationId, time(from), time(to), limit, offset)),
          run(pool, Sql.COUNT_ASSIGNMENTS, range), PgStore::assignment, limit, offset));
    }
    return call(() -> page(
        run(pool, Sql.LIST_USER_ASSIGNMENTS, Tuple.of(rotationId, time(from), time(to), userId, limit, offset)),
        run(pool, Sql.COUNT_USER_ASSIGNMENTS, Tuple.of(rotationId, time(from), time(to), userId)),
        PgStore::assignment, limit, offset));
  }

  /** Number of picks per user id in [from, to) (null bounds are open), ordered by user id. */
  @Override
  public Future<Map<Long, Long>> countPicksByUser(long rotationId, Instant from, Instant to) {
    return call(() -> run(pool, Sql.COUNT_PICKS_BY_USER, Tuple.of(rotationId, time(from), time(to))).map(rows -> {
      Map<Long, Long> counts = new LinkedHashMap<>();
      for (Row row : rows) {
        counts.put(row.getLong("user_id"), row.getLong("picks"));
      }
      return counts;
    }));
  }

  @Override
  public Future<Integer> purgeAssignments(Instant before, int limit) {
    return call(() -> run(pool, Sql.PURGE_ASSIGNMENTS, Tuple.of(time(before), limit)).map(RowSet::rowCount));
  }

  // ---- users ------------------------------------------------------------------------------------------

  @Override
  public Future<User> createUser(String accountId, UserDraft d, String actor) {
    if (d.email() == null || d.email().isBlank()) {
      return Future.failedFuture(new StoreException(Kind.INVALID, "email: an email is required"));
    }
    List<String> roles = d.roles() == null ? List.of() : d.roles();
    String name = d.name() == null ? defaultName(d.email()) : d.name();
    return call(() -> run(pool, Sql.INSERT_USER, Tuple.of(accountId, d.email(), name, roles.toArray(String[]::new),
            d.active() == null || d.active(), time(now()), actor))
        .map(rows -> user(rows.iterator().next()))
        .recover(e -> Future.failedFuture(emailConflict(e, d.email()))));
  }

  @Override
  public Future<User> findUserByEmail(String accountId, String email) {
    return call(() -> run(pool, Sql.FIND_USER_BY_EMAIL, Tuple.of(accountId, email))
        .map(rows -> rows.size() == 0 ? null : user(rows.iterator().next())));
  }

  @Override
  public LeadStore leads() {
    return leads;
  }

  @Override
  public Future<User> getUser(String accountId, long id) {
    return call(() -> run(pool, Sql.GET_USER, Tuple.of(id, accountId))
        .map(rows -> rows.size() == 0 ? null : user(rows.iterator().next())));
  }

  @Override
  public Future<Page<User>> listUsers(String accountId, int limit, int offset) {
    return call(() -> page(run(pool, Sql.LIST_USERS, Tuple.of(accountId, limit, offset)),
        run(pool, Sql.COUNT_USERS, Tuple.of(accountId)), PgStore::user, limit, offset));
  }

  @Override
  public Future<User> updateUser(String accountId, long id, UserDraft d, String actor) {
    String[] roles = d.roles() == null ? null : d.roles().toArray(String[]::new);
    return call(() -> run(pool, Sql.UPDATE_USER,
            Tuple.of(id, accountId, d.email(), d.name(), roles, d.active(), time(now()), actor))
        .recover(e -> Future.failedFuture(emailConflict(e, d.email())))
        .compose(rows -> rows.size() == 0 ? notFound("user " + id)
            : Future.succeededFuture(user(rows.iterator().next()))));
  }

  @Override
  public Future<Void> deleteUser(String accountId, long id) {
    return call(() -> pool.withTransaction(conn -> run(conn, Sql.USER_REFERENCES, Tuple.of(id, accountId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return notFound("user " + id);
          }
          Row refs = rows.iterator().next();
          boolean inRotation = refs.getBoolean("in_rotation");
          if (inRotation || refs.getBoolean("in_team")) {
            return Future.failedFuture(new StoreException(Kind.CONFLICT,
                "user " + id + " is still a member of a " + (inRotation ? "rotation" : "team")
                    + "; remove it there first or set active=false"));
          }
          return run(conn, Sql.DELETE_USER, Tuple.of(id)).mapEmpty();
        })));
  }

  @Override
  public Future<List<User>> resolveUsers(String accountId, List<UserRef> refs, String actor) {
    List<Long> ids = new ArrayList<>();
    // unknown emails are created once each, in list order, with the first name given for them
    Map<String, UserRef> byEmail = new LinkedHashMap<>();
    for (UserRef ref : refs) {
      if (ref.userId() != null) {
        ids.add(ref.userId());
      } else if (ref.email() == null || ref.email().isBlank()) {
        return Future.failedFuture(new StoreException(Kind.INVALID, "members: a member needs a userId or an email"));
      } else {
        byEmail.putIfAbsent(emailKey(ref.email()), ref);
      }
    }
    Instant now = now();
    return call(() -> pool.withTransaction(conn -> {
      Map<Long, User> found = new HashMap<>();
      Map<String, User> foundByEmail = new HashMap<>();
      Future<Void> byId = ids.isEmpty() ? Future.succeededFuture()
          : run(conn, Sql.USERS_BY_ID, arrayArgs(accountId, ids.toArray(Long[]::new)))
              .map(rows -> collect(rows, found, foundByEmail));
      String[] keys = byEmail.keySet().toArray(String[]::new);
      Future<Void> byEmails = byEmail.isEmpty() ? Future.succeededFuture()
          : run(conn, Sql.USERS_BY_EMAIL, arrayArgs(accountId, keys))
              .map(rows -> collect(rows, found, foundByEmail))
              .compose(v -> createMissing(conn, accountId, byEmail, foundByEmail, now, actor))
              .map(rows -> collect(rows, found, foundByEmail))
              // a concurrent transaction created some of them first: read what it created
              .compose(v -> foundByEmail.keySet().containsAll(byEmail.keySet()) ? Future.succeededFuture()
                  : run(conn, Sql.USERS_BY_EMAIL, arrayArgs(accountId, keys))
                      .map(rows -> collect(rows, found, foundByEmail)));
      return Future.all(byId, byEmails).map(v -> {
        List<User> out = new ArrayList<>(refs.size());
        for (UserRef ref : refs) {
          out.add(ref.userId() != null ? found.get(ref.userId()) : foundByEmail.get(emailKey(ref.email())));
        }
        return out;
      });
    }));
  }

  private Future<RowSet<Row>> createMissing(SqlClient conn, String accountId, Map<String, UserRef> byEmail,
      Map<String, User> found, Instant now, String actor) {
    List<String> emails = new ArrayList<>();
    List<String> names = new ArrayList<>();
    byEmail.forEach((key, ref) -> {
      if (!found.containsKey(key)) {
        emails.add(ref.email());
        names.add(ref.name() == null ? defaultName(ref.email()) : ref.name());
      }
    });
    if (emails.isEmpty()) {
      return Future.succeededFuture(null);
    }
    return run(conn, Sql.INSERT_MISSING_USERS, Tuple.of(accountId, emails.toArray(String[]::new),
        names.toArray(String[]::new), time(now), actor));
  }

  private static Void collect(RowSet<Row> rows, Map<Long, User> byId, Map<String, User> byEmail) {
    if (rows != null) {
      for (Row row : rows) {
        User u = user(row);
        byId.put(u.id(), u);
        byEmail.put(emailKey(u.email()), u);
      }
    }
    return null;
  }

  private static String emailKey(String email) {
    return email.toLowerCase(Locale.ROOT);
  }

  /** Same rule as the in-memory store: the local part of the email. */
  static String defaultName(String email) {
    int at = email.indexOf('@');
    return at > 0 ? email.substring(0, at) : email;
  }

  private static Throwable emailConflict(Throwable e, String email) {
    return e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
        ? new StoreException(Kind.CONFLICT, "email: a user with email " + email + " already exists") : e;
  }

  // ---- teams ------------------------------------------------------------------------------------------

  @Override
  public Future<Team> createTeam(String accountId, TeamDraft d, String actor) {
    Instant now = now();
    boolean active = d.active() == null || d.active();
    List<Long> memberIds = d.memberUserIds() == null ? List.of() : d.memberUserIds();
    return call(() -> pool.withTransaction(conn -> teamMembers(conn, accountId, memberIds)
        .compose(members -> run(conn, Sql.INSERT_TEAM, Tuple.of(accountId, d.name(), active, time(now), actor))
            .compose(rows -> {
              long id = rows.iterator().next().getLong(0);
              return insertTeamMembers(conn, id, members)
                  .map(v -> new Team(id, accountId, d.name(), active, members, now, now, actor, actor));
            }))));
  }

  /** The directory users behind a team's member ids, in order; an id the account does not have is invalid. */
  private Future<List<Team.TeamMember>> teamMembers(SqlClient conn, String accountId, List<Long> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return run(conn, Sql.USERS_BY_ID, arrayArgs(accountId, userIds.toArray(Long[]::new))).compose(rows -> {
      Map<Long, User> users = new HashMap<>();
      for (Row row : rows) {
        User u = user(row);
        users.put(u.id(), u);
      }
      List<Team.TeamMember> members = new ArrayList<>(userIds.size());
      for (Long id : userIds) {
        User u = users.get(id);
        if (u == null) {
          return Future.failedFuture(new StoreException(Kind.INVALID, "memberUserIds: user " + id + " not found"));
        }
        members.add(new Team.TeamMember(id, u.email(), u.name()));
      }
      return Future.succeededFuture(members);
    });
  }

  private Future<Void> insertTeamMembers(SqlClient conn, long teamId, List<Team.TeamMember> members) {
    if (members.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = members.size();
    Long[] userIds = new Long[n];
    String[] emails = new String[n];
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      Team.TeamMember m = members.get(i);
      userIds[i] = m.userId();
      emails[i] = m.email();
      names[i] = m.name();
    }
    return run(conn, Sql.INSERT_TEAM_MEMBERS, Tuple.of(teamId, userIds, emails, names)).mapEmpty();
  }

  @Override
  public Future<Team> getTeam(String accountId, long id) {
    return call(() -> run(pool, Sql.GET_TEAM, Tuple.of(id, accountId))
        .map(rows -> rows.size() == 0 ? null : team(rows.iterator().next())));
  }

  @Override
  public Future<Page<Team>> listTeams(String accountId, int limit, int offset) {
    return call(() -> page(run(pool, Sql.LIST_TEAMS, Tuple.of(accountId, limit, offset)),
        run(pool, Sql.COUNT_TEAMS, Tuple.of(accountId)), PgStore::team, limit, offset));
  }

  @Override
  public Future<Team> updateTeam(String accountId, long id, TeamDraft d, String actor) {
    return call(() -> pool.withTransaction(conn -> run(conn, Sql.UPDATE_TEAM,
            Tuple.of(id, accountId, d.name(), d.active(), time(now()), actor))
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            return notFound("team " + id);
          }
          if (d.memberUserIds() == null) {
            return Future.<Void>succeededFuture();
          }
          return teamMembers(conn, accountId, d.memberUserIds())
              .compose(members -> run(conn, Sql.DELETE_TEAM_MEMBERS, Tuple.of(id))
                  .compose(v -> insertTeamMembers(conn, id, members)));
        })
        .compose(v -> run(conn, Sql.GET_TEAM, Tuple.of(id, accountId)))
        .map(rows -> team(rows.iterator().next()))));
  }

  @Override
  public Future<Void> deleteTeam(String accountId, long id) {
    return call(() -> pool.withTransaction(conn -> run(conn, Sql.TEAM_USED, Tuple.of(id, accountId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return notFound("team " + id);
          }
          if (rows.iterator().next().getBoolean("used")) {
            return Future.failedFuture(new StoreException(Kind.CONFLICT,
                "team " + id + " is still used by a rotation; change the rotation's teamId first"));
          }
          return run(conn, Sql.DELETE_TEAM, Tuple.of(id)).mapEmpty();
        })));
  }

  /** One round trip on a pooled connection, bounded like every call: readiness reports the store DOWN otherwise. */
  @Override
  public Future<Void> ping() {
    return call(() -> pool.query("SELECT 1").execute().mapEmpty());
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }

  // ---- plumbing ---------------------------------------------------------------------------------------

  private Future<RowSet<Row>> run(SqlClient client, String sql, Tuple args) {
    statements.incrementAndGet();
    return client.preparedQuery(sql).execute(args);
  }

  private <T> Future<T> call(Supplier<Future<T>> op) {
    return call(timeout, op);
  }

  /**
   * Runs a store operation, turning connection-level failures (also thrown ones) into UNAVAILABLE, and so
   * does an operation that has not completed within {@code timeout}: a database behind a network that
   * drops packets silently never answers. The connection such a call holds is closed by the pool's idle
   * timeout (see {@link Postgres}), not reused; a write that timed out may still have committed, as with
   * any lost answer.
   */
  static <T> Future<T> call(Duration timeout, Supplier<Future<T>> op) {
    Future<T> f;
    try {
      f = op.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(translate(e));
    }
    return f.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).recover(e -> Future.failedFuture(
        e instanceof TimeoutException
            ? new StoreException(Kind.UNAVAILABLE, "postgres unavailable: no answer within " + timeout.toMillis()
                + " ms", e)
            : translate(e)));
  }

  /**
   * Maps a client failure to the store's error kinds: anything that means "the database cannot be used
   * right now" becomes UNAVAILABLE (the HTTP layer answers 503); everything else passes through.
   */
  static Throwable translate(Throwable e) {
    if (e instanceof StoreException) {
      return e;
    }
    if (e instanceof PgException pg) {
      String state = pg.getSqlState() == null ? "" : pg.getSqlState();
      // 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown,
      // cannot connect now, cancelled), 28 authentication, 3D000 no such database
      boolean unavailable = state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
          || state.startsWith("28") || state.equals("3D000");
      return unavailable ? unavailable(e) : e;
    }
    // refused/reset/closed connections, DNS failures, pool closed or too busy, waiting for a connection;
    // the client reports its own argument-binding errors as VertxException too: those are bugs
    if (e instanceof VertxException && !isArgumentError(e) || e instanceof IOException
        || e instanceof TimeoutException) {
      return unavailable(e);
    }
    return e;
  }

  /**
   * Tuple.of(x, array) would pick the varargs overload and spread the array into separate parameters; an
   * array as second of two parameters must be added explicitly.
   */
  private static Tuple arrayArgs(Object first, Object[] array) {
    return Tuple.tuple().addValue(first).addValue(array);
  }

  private static boolean isArgumentError(Throwable e) {
    String message = String.valueOf(e.getMessage());
    return message.contains("number of parameters") || message.contains("coerced");
  }

  private static StoreException unavailable(Throwable e) {
    return new StoreException(Kind.UNAVAILABLE, "postgres unavailable: " + e.getMessage(), e);
  }

  private static <T> Future<T> notFound(String what) {
    return Future.failedFuture(new StoreException(Kind.NOT_FOUND, what + " not found"));
  }

  private static <T> Future<Page<T>> page(Future<RowSet<Row>> rows, Future<RowSet<Row>> count,
      Function<Row, T> mapper, int limit, int offset) {
    return Future.all(rows, count).map(v -> {
      List<T> items = new ArrayList<>(rows.result().size());
      for (Row row : rows.result()) {
        items.add(mapper.apply(row));
      }
      return new Page<>(items, count.result().iterator().next().getLong(0), limit, offset);
    });
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  static OffsetDateTime time(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  static Instant instant(Row row, String column) {
    OffsetDateTime t = row.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  private static StoredRotation storedRotation(Row row) {
    return new StoredRotation(rotation(row), row.getLong("sequence_ceiling"));
  }

  private static RotationState rotation(Row row) {
    Long[] userIds = row.getArrayOfLongs("user_ids");
    List<Member> members = new ArrayList<>();
    if (userIds != null) {
      String[] emails = row.getArrayOfStrings("emails");
      String[] names = row.getArrayOfStrings("names");
      Integer[] weights = row.getArrayOfIntegers("weights");
      for (int i = 0; i < userIds.length; i++) {
        members.add(new Member(userIds[i], emails[i], names[i], weights[i]));
      }
    }
    String status = row.getString("status");
    return new RotationState(row.getLong("id"), row.getString("account_id"), row.getString("name"),
        Status.parse(status).orElseThrow(() -> new IllegalStateException("unknown rotation status " + status)),
        row.getLong("team_id"), members, row.getInteger("position"), row.getLong("sequence"),
        instant(row, "created_at"), instant(row, "updated_at"), row.getString("created_by"),
        row.getString("updated_by"));
  }

  private static User user(Row row) {
    String[] roles = row.getArrayOfStrings("roles");
    return new User(row.getLong("id"), row.getString("account_id"), row.getString("email"), row.getString("name"),
        roles == null ? List.of() : Arrays.asList(roles), row.getBoolean("active"), instant(row, "created_at"),
        instant(row, "updated_at"), row.getString("created_by"), row.getString("updated_by"));
  }

  private static Team team(Row row) {
    Long[] userIds = row.getArrayOfLongs("user_ids");
    List<Team.TeamMember> members = new ArrayList<>();
    if (userIds != null) {
      String[] emails = row.getArrayOfStrings("emails");
      String[] names = row.getArrayOfStrings("names");
      for (int i = 0; i < userIds.length; i++) {
        members.add(new Team.TeamMember(userIds[i], emails[i], names[i]));
      }
    }
    return new Team(row.getLong("id"), row.getString("account_id"), row.getString("name"), row.getBoolean("active"),
        members, instant(row, "created_at"), instant(row, "updated_at"), row.getString("created_by"),
        row.getString("updated_by"));
  }

  private static Assignment assignment(Row row) {
    return new Assignment(row.getLong("rotation_id"), row.getString("account_id"), row.getLong("sequence"),
        row.getLong("user_id"), row.getString("email"), row.getInteger("position"), instant(row, "picked_at"),
        row.getString("request_id"), row.getString("node"));
  }
}
