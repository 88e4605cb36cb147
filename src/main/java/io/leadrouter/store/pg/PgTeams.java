package io.leadrouter.store.pg;

import static io.leadrouter.store.pg.PgClient.arrayArgs;
import static io.leadrouter.store.pg.PgClient.column;
import static io.leadrouter.store.pg.PgClient.conflict;
import static io.leadrouter.store.pg.PgClient.notFound;
import static io.leadrouter.store.pg.PgClient.time;

import io.leadrouter.store.Page;
import io.leadrouter.store.StoreException;
import io.leadrouter.store.Team;
import io.leadrouter.store.TeamDraft;
import io.leadrouter.store.User;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The teams of {@link PgDirectory}: a team keeps its members' email and name as they were when set. */
final class PgTeams {

  private final PgClient pg;

  PgTeams(PgClient pg) {
    this.pg = pg;
  }

  Future<Team> create(String accountId, TeamDraft d, String actor) {
    Instant now = pg.now();
    boolean active = d.active() == null || d.active();
    List<Long> memberIds = d.memberUserIds() == null ? List.of() : d.memberUserIds();
    return pg.call(() -> pg.pool().withTransaction(conn -> members(conn, accountId, memberIds)
        .compose(members -> pg.run(conn, Sql.INSERT_TEAM, Tuple.of(accountId, d.name(), active, time(now), actor))
            .compose(rows -> {
              long id = rows.iterator().next().getLong(0);
              return insertMembers(conn, id, members)
                  .map(v -> new Team(id, accountId, d.name(), active, members, now, now, actor, actor));
            }))));
  }

  /** The directory users behind a team's member ids, in order; an id the account does not have is invalid. */
  private Future<List<Team.TeamMember>> members(SqlClient conn, String accountId, List<Long> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return pg.run(conn, Sql.USERS_BY_ID, arrayArgs(accountId, userIds.toArray(Long[]::new))).compose(rows -> {
      Map<Long, User> users = new HashMap<>();
      for (Row row : rows) {
        User u = PgRows.user(row);
        users.put(u.id(), u);
      }
      List<Team.TeamMember> members = new ArrayList<>(userIds.size());
      for (Long id : userIds) {
        User u = users.get(id);
        if (u == null) {
          return Future.failedFuture(new StoreException(StoreException.Kind.INVALID,
              "memberUserIds: user " + id + " not found"));
        }
        members.add(new Team.TeamMember(id, u.email(), u.name()));
      }
      return Future.succeededFuture(members);
    });
  }

  private Future<Void> insertMembers(SqlClient conn, long teamId, List<Team.TeamMember> members) {
    if (members.isEmpty()) {
      return Future.succeededFuture();
    }
    return pg.run(conn, Sql.INSERT_TEAM_MEMBERS, Tuple.of(teamId, column(members, Team.TeamMember::userId, Long[]::new),
        column(members, Team.TeamMember::email, String[]::new), column(members, Team.TeamMember::name, String[]::new)))
        .mapEmpty();
  }

  Future<Team> get(String accountId, long id) {
    return pg.call(() -> pg.run(pg.pool(), Sql.GET_TEAM, Tuple.of(id, accountId))
        .map(rows -> rows.size() == 0 ? null : PgRows.team(rows.iterator().next())));
  }

  Future<Page<Team>> list(String accountId, int limit, int offset) {
    return pg.call(() -> PgClient.page(pg.run(pg.pool(), Sql.LIST_TEAMS, Tuple.of(accountId, limit, offset)),
        pg.run(pg.pool(), Sql.COUNT_TEAMS, Tuple.of(accountId)), PgRows::team, limit, offset));
  }

  Future<Team> update(String accountId, long id, TeamDraft d, String actor) {
    return pg.call(() -> pg.pool().withTransaction(conn -> pg.run(conn, Sql.UPDATE_TEAM,
            Tuple.of(id, accountId, d.name(), d.active(), time(pg.now()), actor))
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            return notFound("team " + id);
          }
          if (d.memberUserIds() == null) {
            return Future.<Void>succeededFuture();
          }
          return members(conn, accountId, d.memberUserIds())
              .compose(members -> pg.run(conn, Sql.DELETE_TEAM_MEMBERS, Tuple.of(id))
                  .compose(v -> insertMembers(conn, id, members)));
        })
        .compose(v -> pg.run(conn, Sql.GET_TEAM, Tuple.of(id, accountId)))
        .map(rows -> PgRows.team(rows.iterator().next()))));
  }

  Future<Void> delete(String accountId, long id) {
    return pg.call(() -> pg.pool().withTransaction(conn -> pg.run(conn, Sql.TEAM_USED, Tuple.of(id, accountId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return notFound("team " + id);
          }
          if (rows.iterator().next().getBoolean("used")) {
            return conflict("team " + id + " is still used by a rotation; change the rotation's teamId first");
          }
          return pg.run(conn, Sql.DELETE_TEAM, Tuple.of(id)).mapEmpty();
        })));
  }
}
