package io.leadrouter.http;

import io.leadrouter.auth.Caller;
import io.leadrouter.directory.TeamFollowers;
import io.leadrouter.edge.Views;
import io.leadrouter.error.ApiException;
import io.leadrouter.rotation.Member;
import io.leadrouter.store.Directory;
import io.leadrouter.store.TeamDraft;
import io.leadrouter.store.UserDraft;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Handlers of the account's user directory ({@code /users}) and teams ({@code /teams}); all write-through. */
final class DirectoryRoutes {

  private final Directory store;
  private final TeamFollowers followers;

  DirectoryRoutes(Directory store, TeamFollowers followers) {
    this.store = store;
    this.followers = followers;
  }

  // ---- users ------------------------------------------------------------------------------------------

  void createUser(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    UserDraft draft = userDraft(Body.object(ctx));
    HttpApiVerticle.respond(ctx, 201, store.createUser(caller.accountId(), draft, caller.subject()).map(Views::user));
  }

  void getUser(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "userId");
    HttpApiVerticle.respond(ctx, 200, store.getUser(caller.accountId(), id).map(u -> {
      if (u == null) {
        throw ApiException.notFound("user " + id + " not found");
      }
      return Views.user(u);
    }));
  }

  void listUsers(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    HttpApiVerticle.respond(ctx, 200, store.listUsers(caller.accountId(), Body.query(ctx, "limit", 50, 1, 500),
        Body.query(ctx, "offset", 0, 0, Integer.MAX_VALUE)).map(p -> Views.page(p, Views::user)));
  }

  void updateUser(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "userId");
    UserDraft draft = userDraft(Body.object(ctx));
    HttpApiVerticle.respond(ctx, 200, store.updateUser(caller.accountId(), id, draft, caller.subject())
        .map(Views::user));
  }

  void deleteUser(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "userId");
    HttpApiVerticle.noContent(ctx, store.deleteUser(caller.accountId(), id));
  }

  /**
   * A user body the schema accepted (create: email required; update: every field optional); the
   * availability fields' values are checked here (an IANA zone, the hours, an instant), 400 naming the field.
   */
  private static UserDraft userDraft(JsonObject body) {
    String email = body.getString("email") == null ? null : body.getString("email").trim();
    JsonArray roles = body.getJsonArray("roles");
    return new UserDraft(email, body.getString("name"),
        roles == null ? null : roles.stream().map(String.class::cast).toList(), body.getBoolean("active"),
        Availabilities.timeZone(body), Availabilities.workingHours(body),
        body.containsKey("workingHours") && body.getValue("workingHours") == null, Availabilities.awayUntil(body),
        body.containsKey("awayUntil") && body.getValue("awayUntil") == null);
  }

  // ---- teams ------------------------------------------------------------------------------------------

  void createTeam(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    JsonObject body = Body.object(ctx);
    String name = body.getString("name");
    Boolean active = body.getBoolean("active");
    List<Body.MemberSpec> specs = body.getValue("members") == null ? List.of() : Body.members(body, "members");
    HttpApiVerticle.respond(ctx, 201, Members.resolve(store, caller.accountId(), specs, caller.subject())
        .compose(members -> store.createTeam(caller.accountId(), new TeamDraft(name, active, ids(members)),
            caller.subject()))
        .map(Views::team));
  }

  void getTeam(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "teamId");
    HttpApiVerticle.respond(ctx, 200, store.getTeam(caller.accountId(), id).map(t -> {
      if (t == null) {
        throw ApiException.notFound("team " + id + " not found");
      }
      return Views.team(t);
    }));
  }

  void listTeams(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    HttpApiVerticle.respond(ctx, 200, store.listTeams(caller.accountId(), Body.query(ctx, "limit", 50, 1, 500),
        Body.query(ctx, "offset", 0, 0, Integer.MAX_VALUE)).map(p -> Views.page(p, Views::team)));
  }

  void updateTeam(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "teamId");
    JsonObject body = Body.object(ctx);
    String name = body.getString("name");
    Boolean active = body.getBoolean("active");
    List<Body.MemberSpec> specs = body.getValue("members") == null ? null : Body.members(body, "members");
    // check the team exists first, so an unknown team creates no directory users
    Future<List<Member>> members = store.getTeam(caller.accountId(), id).compose(t -> {
      if (t == null) {
        throw ApiException.notFound("team " + id + " not found");
      }
      return specs == null ? Future.succeededFuture()
          : Members.resolve(store, caller.accountId(), specs, caller.subject());
    });
    HttpApiVerticle.respond(ctx, 200, members
        .compose(m -> store.updateTeam(caller.accountId(), id, new TeamDraft(name, active, m == null ? null : ids(m)),
            caller.subject()))
        // the rotations that follow the team get its members before the answer (a retry of a failed one redoes it)
        .compose(t -> followers.teamChanged(t, caller.subject()).map(t))
        .map(Views::team));
  }

  void deleteTeam(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    HttpApiVerticle.noContent(ctx, store.deleteTeam(caller.accountId(), Body.id(ctx, "teamId")));
  }

  private static List<Long> ids(List<Member> members) {
    return members.stream().map(Member::userId).toList();
  }
}
