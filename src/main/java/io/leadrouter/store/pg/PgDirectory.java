package io.leadrouter.store.pg;

import static io.leadrouter.store.pg.PgClient.arrayArgs;
import static io.leadrouter.store.pg.PgClient.conflict;
import static io.leadrouter.store.pg.PgClient.notFound;
import static io.leadrouter.store.pg.PgClient.time;

import io.leadrouter.store.Directory;
import io.leadrouter.store.Page;
import io.leadrouter.store.StoreException;
import io.leadrouter.store.Team;
import io.leadrouter.store.TeamDraft;
import io.leadrouter.store.User;
import io.leadrouter.store.UserDraft;
import io.leadrouter.store.UserRef;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@link Directory} on Postgres: the users here, the teams in {@link PgTeams}. */
final class PgDirectory implements Directory {

  private final PgClient pg;
  private final PgTeams teams;

  PgDirectory(PgClient pg) {
    this.pg = pg;
    this.teams = new PgTeams(pg);
  }

  // ---- users ------------------------------------------------------------------------------------------

  @Override
  public Future<User> createUser(String accountId, UserDraft d, String actor) {
    if (d.email() == null || d.email().isBlank()) {
      return Future.failedFuture(new StoreException(StoreException.Kind.INVALID, "email: an email is required"));
    }
    List<String> roles = d.roles() == null ? List.of() : d.roles();
    String name = d.name() == null ? User.defaultName(d.email()) : d.name();
    String zone = d.timeZone() == null ? User.UTC.getId() : d.timeZone().getId();
    return pg.call(() -> pg.run(pg.pool(), Sql.INSERT_USER, Tuple.tuple().addValue(accountId).addValue(d.email())
            .addValue(name).addValue(roles.toArray(String[]::new)).addValue(d.active() == null || d.active())
            .addValue(time(pg.now())).addValue(actor).addValue(zone)
            .addValue(PgRows.workingHoursJson(d.workingHours())).addValue(time(d.awayUntil())))
        .map(rows -> PgRows.user(rows.iterator().next()))
        .recover(e -> Future.failedFuture(emailConflict(e, d.email()))));
  }

  @Override
  public Future<User> findUserByEmail(String accountId, String email) {
    return pg.call(() -> pg.run(pg.pool(), Sql.FIND_USER_BY_EMAIL, Tuple.of(accountId, email))
        .map(rows -> rows.size() == 0 ? null : PgRows.user(rows.iterator().next())));
  }

  @Override
  public Future<User> getUser(String accountId, long id) {
    return pg.call(() -> pg.run(pg.pool(), Sql.GET_USER, Tuple.of(id, accountId))
        .map(rows -> rows.size() == 0 ? null : PgRows.user(rows.iterator().next())));
  }

  @Override
  public Future<Page<User>> listUsers(String accountId, int limit, int offset) {
    return pg.call(() -> PgClient.page(pg.run(pg.pool(), Sql.LIST_USERS, Tuple.of(accountId, limit, offset)),
        pg.run(pg.pool(), Sql.COUNT_USERS, Tuple.of(accountId)), PgRows::user, limit, offset));
  }

  @Override
  public Future<User> updateUser(String accountId, long id, UserDraft d, String actor) {
    String[] roles = d.roles() == null ? null : d.roles().toArray(String[]::new);
    Tuple args = Tuple.tuple().addValue(id).addValue(accountId).addValue(d.email()).addValue(d.name())
        .addValue(roles).addValue(d.active()).addValue(time(pg.now())).addValue(actor)
        .addValue(d.timeZone() == null ? null : d.timeZone().getId())
        .addValue(PgRows.workingHoursJson(d.workingHours())).addValue(d.clearWorkingHours())
        .addValue(time(d.awayUntil())).addValue(d.clearAwayUntil());
    // the user and the copies of its email and name in rotation and team members change together
    return pg.call(() -> pg.pool().withTransaction(conn -> pg.run(conn, Sql.UPDATE_USER, args)
        .recover(e -> Future.failedFuture(emailConflict(e, d.email())))
        .compose(rows -> {
          if (rows.size() == 0) {
            return notFound("user " + id);
          }
          User u = PgRows.user(rows.iterator().next());
          Tuple copy = Tuple.of(u.id(), u.email(), u.name(), accountId);
          return pg.run(conn, Sql.USER_COPIES_IN_ROTATIONS, copy)
              .compose(v -> pg.run(conn, Sql.USER_COPIES_IN_TEAMS, copy))
              .map(u);
        })));
  }

  @Override
  public Future<Void> deleteUser(String accountId, long id) {
    return pg.call(() -> pg.pool().withTransaction(conn -> pg.run(conn, Sql.USER_REFERENCES, Tuple.of(id, accountId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return notFound("user " + id);
          }
          Row refs = rows.iterator().next();
          boolean inRotation = refs.getBoolean("in_rotation");
          if (inRotation || refs.getBoolean("in_team")) {
            return conflict("user " + id + " is still a member of a " + (inRotation ? "rotation" : "team")
                + "; remove it there first or set active=false");
          }
          return pg.run(conn, Sql.DELETE_USER, Tuple.of(id)).mapEmpty();
        })));
  }

  @Override
  public Future<List<User>> resolveUsers(String accountId, List<UserRef> refs, String actor) {
    List<Long> ids = new ArrayList<>();
    // emails not in the directory are created once each, in list order, with the first name given for them
    Map<String, UserRef> byEmail = new LinkedHashMap<>();
    for (UserRef ref : refs) {
      if (ref.userId() != null) {
        ids.add(ref.userId());
      } else if (ref.email() == null || ref.email().isBlank()) {
        return Future.failedFuture(new StoreException(StoreException.Kind.INVALID,
            "members: a member needs a userId or an email"));
      } else {
        byEmail.putIfAbsent(emailKey(ref.email()), ref);
      }
    }
    Instant now = pg.now();
    return pg.call(() -> pg.pool().withTransaction(conn -> {
      Map<Long, User> found = new HashMap<>();
      Map<String, User> foundByEmail = new HashMap<>();
      Future<Void> byId = ids.isEmpty() ? Future.succeededFuture()
          : pg.run(conn, Sql.USERS_BY_ID, arrayArgs(accountId, ids.toArray(Long[]::new)))
              .map(rows -> collect(rows, found, foundByEmail));
      String[] keys = byEmail.keySet().toArray(String[]::new);
      Future<Void> byEmails = byEmail.isEmpty() ? Future.succeededFuture()
          : pg.run(conn, Sql.USERS_BY_EMAIL, arrayArgs(accountId, keys))
              .map(rows -> collect(rows, found, foundByEmail))
              .compose(v -> createMissing(conn, accountId, byEmail, foundByEmail, now, actor))
              .map(rows -> collect(rows, found, foundByEmail))
              // a concurrent transaction created some of them first: read what it created
              .compose(v -> foundByEmail.keySet().containsAll(byEmail.keySet()) ? Future.succeededFuture()
                  : pg.run(conn, Sql.USERS_BY_EMAIL, arrayArgs(accountId, keys))
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
        names.add(ref.name() == null ? User.defaultName(ref.email()) : ref.name());
      }
    });
    if (emails.isEmpty()) {
      return Future.succeededFuture(null);
    }
    return pg.run(conn, Sql.INSERT_MISSING_USERS, Tuple.of(accountId, emails.toArray(String[]::new),
        names.toArray(String[]::new), time(now), actor));
  }

  private static Void collect(RowSet<Row> rows, Map<Long, User> byId, Map<String, User> byEmail) {
    if (rows != null) {
      for (Row row : rows) {
        User u = PgRows.user(row);
        byId.put(u.id(), u);
        byEmail.put(emailKey(u.email()), u);
      }
    }
    return null;
  }

  private static String emailKey(String email) {
    return email.toLowerCase(Locale.ROOT);
  }

  private static Throwable emailConflict(Throwable e, String email) {
    return PgErrors.uniqueViolation(e, "email: a user with email " + email + " already exists");
  }

  // ---- teams ------------------------------------------------------------------------------------------

  @Override
  public Future<Team> createTeam(String accountId, TeamDraft draft, String actor) {
    return teams.create(accountId, draft, actor);
  }

  @Override
  public Future<Team> getTeam(String accountId, long id) {
    return teams.get(accountId, id);
  }

  @Override
  public Future<Page<Team>> listTeams(String accountId, int limit, int offset) {
    return teams.list(accountId, limit, offset);
  }

  @Override
  public Future<Team> updateTeam(String accountId, long id, TeamDraft draft, String actor) {
    return teams.update(accountId, id, draft, actor);
  }

  @Override
  public Future<Void> deleteTeam(String accountId, long id) {
    return teams.delete(accountId, id);
  }
}
