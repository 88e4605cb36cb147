package io.leadrouter.http;

import io.leadrouter.auth.Caller;
import io.leadrouter.edge.Edge;
import io.leadrouter.edge.NextUserJson;
import io.leadrouter.edge.Views;
import io.leadrouter.error.ApiException;
import io.leadrouter.ops.Metrics;
import io.leadrouter.owner.RotationService;
import io.leadrouter.rotation.Fallback;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.rotation.Status;
import io.leadrouter.store.Directory;
import io.leadrouter.store.NewRotation;
import io.leadrouter.store.RotationFilter;
import io.leadrouter.store.RotationStore;
import io.leadrouter.store.Team;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Collectors;

/** Handlers of {@code /lead-rotations}: configuration goes to the store (create) or the owner, picks to the owner. */
final class RotationRoutes {

  private final RotationStore store;
  private final Directory directory;
  private final RotationService rotations;
  private final Metrics metrics;
  /** This verticle's (event loop's) pre-encoded rotations for next-user answers. */
  private final NextUserJson answers = new NextUserJson();

  RotationRoutes(Edge edge) {
    this.store = edge.rotationStore();
    this.directory = edge.directory();
    this.rotations = edge.rotations();
    this.metrics = edge.metrics();
  }

  void create(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    JsonObject body = Body.object(ctx);
    String name = body.getString("name");
    Status status = status(body);
    Long teamId = teamId(body);
    List<Body.MemberSpec> specs = memberSpecs(body);
    ZoneId timeZone = RotationSettings.timeZone(body);
    boolean catchUp = Boolean.TRUE.equals(body.getBoolean("catchUp"));
    Fallback fallback = RotationSettings.fallback(body);
    boolean followsTeam = teamId != null && specs == null; // created from the team alone: follows it
    Future<Team> team = teamId == null ? Future.succeededFuture() : team(caller, teamId);
    HttpApiVerticle.respond(ctx, 201, team
        .compose(t -> FallbackCheck.check(directory, rotations, caller.accountId(), null, fallback).map(t))
        .compose(t -> specs != null || t == null ? Members.resolve(directory, caller.accountId(),
            specs == null ? List.of() : specs, caller.subject()) : Future.succeededFuture(fromTeam(t)))
        .map(members -> RotationSettings.withMemberSettings(members, body, memberField(body)))
        .compose(members -> store.createRotation(new NewRotation(caller.accountId(), name,
            status == null ? Status.ACTIVE : status, teamId, members, caller.subject(), timeZone, catchUp, fallback,
            followsTeam)))
        .compose(this::withTeam));
  }

  void get(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    HttpApiVerticle.respond(ctx, 200, rotations.get(caller.accountId(), Body.id(ctx, "rotationId"))
        .compose(this::withTeam));
  }

  void list(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    String rawStatus = ctx.request().getParam("status");
    Status status = null;
    if (rawStatus != null && !rawStatus.isEmpty()) {
      status = Status.parse(rawStatus).orElseThrow(() ->
          ApiException.invalid("status: must be one of active, archived, queued"));
    }
    String rawTeam = ctx.request().getParam("teamId");
    Long teamId = null;
    if (rawTeam != null && !rawTeam.isEmpty()) {
      teamId = (long) Body.query(ctx, "teamId", 0, 1, Integer.MAX_VALUE);
    }
    RotationFilter filter = new RotationFilter(status, teamId, Body.query(ctx, "limit", 50, 1, 500),
        Body.query(ctx, "offset", 0, 0, Integer.MAX_VALUE));
    HttpApiVerticle.respond(ctx, 200, store.listRotations(caller.accountId(), filter)
        .map(page -> Views.page(page, s -> Views.rotation(s, null))));
  }

  void update(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "rotationId");
    JsonObject body = Body.object(ctx);
    String name = body.getString("name");
    boolean teamIdSet = body.containsKey("teamId");
    Long teamId = teamId(body);
    List<Body.MemberSpec> specs = memberSpecs(body);
    boolean settingsSet = body.containsKey("timeZone") || body.containsKey("catchUp") || body.containsKey("fallback")
        || specs != null;
    ZoneId timeZone = RotationSettings.timeZone(body);
    Boolean catchUp = body.getBoolean("catchUp");
    Fallback fallback = RotationSettings.fallback(body);
    Future<Team> team = teamId == null ? Future.succeededFuture() : team(caller, teamId);
    Future<List<Member>> members = specs == null ? Future.succeededFuture()
        : team.compose(t -> Members.resolve(directory, caller.accountId(), specs, caller.subject()))
            .map(m -> RotationSettings.withMemberSettings(m, body, memberField(body)));
    // what the body leaves out (null) is kept by the owner from the rotation as it then stands
    Future<Rotation.Settings> settings = !settingsSet ? Future.succeededFuture()
        : FallbackCheck.check(directory, rotations, caller.accountId(), id, fallback)
            .map(v -> new Rotation.Settings(timeZone, catchUp, fallback, body.containsKey("fallback"),
                specs == null ? null : false)); // explicit members: no longer follows its team
    HttpApiVerticle.respond(ctx, 200, Future.all(team, members, settings)
        .compose(v -> rotations.update(new Rotation.Update(caller.accountId(), id, name, teamIdSet, teamId,
            members.result(), caller.subject(), settings.result())))
        .compose(this::withTeam));
  }

  void changeStatus(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "rotationId");
    Status status = status(Body.object(ctx));
    HttpApiVerticle.respond(ctx, 200, rotations.changeStatus(
        new Rotation.ChangeStatus(caller.accountId(), id, status, caller.subject())).compose(this::withTeam));
  }

  void delete(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "rotationId");
    rotations.delete(new Rotation.Delete(caller.accountId(), id, caller.subject()))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  void nextUser(RoutingContext ctx) {
    long started = System.nanoTime();
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "rotationId");
    if (ctx.request().getHeader("idempotency-key") != null) {
      // a GET is not deduplicated: ignoring the key would hand out a second pick to a retry that counts on it
      throw ApiException.invalid("Idempotency-Key: not honoured on GET; use POST /lead-rotations/" + id
          + "/next-user to pick at most once per key");
    }
    rotations.pick(caller.accountId(), id, AccessLog.requestId(ctx)).map(answers::write)
        .onComplete(v -> metrics.nextUser(started, null), e -> metrics.nextUser(started, e))
        .onSuccess(bytes -> ctx.response().putHeader("content-type", "application/json").end(bytes))
        .onFailure(ctx::fail);
  }

  // ---- helpers ----------------------------------------------------------------------------------------

  private static String memberField(JsonObject body) {
    return body.getValue("members") != null ? "members" : "userRotationArray";
  }

  private Future<JsonObject> withTeam(RotationState s) {
    if (s.teamId() == null) {
      return Future.succeededFuture(Views.rotation(s, null));
    }
    return directory.getTeam(s.accountId(), s.teamId()).map(t -> Views.rotation(s, t));
  }

  private Future<Team> team(Caller caller, long teamId) {
    return directory.getTeam(caller.accountId(), teamId).map(t -> {
      if (t == null) {
        throw ApiException.invalid("teamId: no team " + teamId + " in this account");
      }
      return t;
    });
  }

  private static List<Member> fromTeam(Team t) {
    return t.members().stream().map(m -> new Member(m.userId(), m.email(), m.name(), 1))
        .collect(Collectors.toList());
  }

  /** The status the schema accepted (one of its enum), or null when absent. */
  private static Status status(JsonObject body) {
    String raw = body.getString("status");
    return raw == null ? null : Status.parse(raw).orElseThrow(() ->
        new IllegalStateException("openapi.json allows a status Status does not know: " + raw));
  }

  private static Long teamId(JsonObject body) {
    return Body.whole(body.getValue("teamId"), "teamId");
  }

  /**
   * Members from {@code members} or the seed's {@code userRotationArray} (the schema refuses both); null when
   * neither is given.
   */
  private static List<Body.MemberSpec> memberSpecs(JsonObject body) {
    if (body.getValue("members") != null) {
      return Body.members(body, "members");
    }
    if (body.getValue("userRotationArray") != null) {
      return Body.members(body, "userRotationArray");
    }
    return null;
  }
}
