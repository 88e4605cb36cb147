package io.leadrouter.http;

import io.leadrouter.auth.Caller;
import io.leadrouter.edge.Edge;
import io.leadrouter.edge.Views;
import io.leadrouter.error.ApiException;
import io.leadrouter.ops.Metrics;
import io.leadrouter.owner.RotationService;
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
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Handlers of {@code /lead-rotations}: configuration goes to the store (create) or the owner, picks to the owner. */
final class RotationRoutes {

  /** The fields a rotation body may have: the seeds' {@code userRotationArray} or our {@code members}. */
  private static final Set<String> CREATE_FIELDS = Set.of("name", "status", "teamId", "members", "userRotationArray");
  private static final Set<String> STATUS_FIELDS = Set.of("status");

  private final RotationStore store;
  private final Directory directory;
  private final RotationService rotations;
  private final Metrics metrics;

  RotationRoutes(Edge edge) {
    this.store = edge.rotationStore();
    this.directory = edge.directory();
    this.rotations = edge.rotations();
    this.metrics = edge.metrics();
  }

  void create(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    JsonObject body = Body.known(Body.object(ctx), "", CREATE_FIELDS);
    String name = Body.string(body, "name", true, Body.MAX_NAME);
    Status status = status(body, false);
    Long teamId = teamId(body);
    List<Body.MemberSpec> specs = memberSpecs(body);
    Future<Team> team = teamId == null ? Future.succeededFuture() : team(caller, teamId);
    HttpApiVerticle.respond(ctx, 201, team
        .compose(t -> specs != null || t == null ? Members.resolve(directory, caller.accountId(),
            specs == null ? List.of() : specs, caller.subject()) : Future.succeededFuture(fromTeam(t)))
        .compose(members -> store.createRotation(new NewRotation(caller.accountId(), name,
            status == null ? Status.ACTIVE : status, teamId, members, caller.subject())))
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
    // status is known here only to be refused with a pointer to PATCH .../status
    JsonObject body = Body.known(Body.object(ctx), "", CREATE_FIELDS);
    String name = Body.string(body, "name", false, Body.MAX_NAME);
    if (body.containsKey("name") && (name == null || name.isBlank())) {
      throw ApiException.invalid("name: must be a non-blank string");
    }
    if (body.containsKey("status")) {
      throw ApiException.invalid("status: change it with PATCH /lead-rotations/" + id + "/status");
    }
    boolean teamIdSet = body.containsKey("teamId");
    Long teamId = teamId(body);
    List<Body.MemberSpec> specs = memberSpecs(body);
    Future<Team> team = teamId == null ? Future.succeededFuture() : team(caller, teamId);
    Future<List<Member>> members = specs == null ? Future.succeededFuture()
        : team.compose(t -> Members.resolve(directory, caller.accountId(), specs, caller.subject()));
    HttpApiVerticle.respond(ctx, 200, Future.all(team, members)
        .compose(v -> rotations.update(new Rotation.Update(caller.accountId(), id, name, teamIdSet, teamId,
            members.result(), caller.subject())))
        .compose(this::withTeam));
  }

  void changeStatus(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "rotationId");
    Status status = status(Body.known(Body.object(ctx), "", STATUS_FIELDS), true);
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
    HttpApiVerticle.respond(ctx, 200, rotations.pick(caller.accountId(), id,
        AccessLog.requestId(ctx)).map(Views::nextUser)
        .onComplete(v -> metrics.nextUser(started, null), e -> metrics.nextUser(started, e)));
  }

  // ---- helpers ----------------------------------------------------------------------------------------

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

  private static Status status(JsonObject body, boolean required) {
    Object raw = body.getValue("status");
    if (raw == null && !required) {
      return null;
    }
    if (!(raw instanceof String s)) {
      throw ApiException.invalid("status: required, one of active, archived, queued");
    }
    return Status.parse(s).orElseThrow(() ->
        ApiException.invalid("status: must be one of active, archived, queued, got '" + s + "'"));
  }

  private static Long teamId(JsonObject body) {
    Long teamId = Body.whole(body.getValue("teamId"), "teamId");
    if (teamId != null && teamId <= 0) {
      throw ApiException.invalid("teamId: must be positive");
    }
    return teamId;
  }

  /** Members from {@code members} or the seed's {@code userRotationArray}; null when neither is given. */
  private static List<Body.MemberSpec> memberSpecs(JsonObject body) {
    if (body.containsKey("members") && body.containsKey("userRotationArray")) {
      throw ApiException.invalid("members: give either members or userRotationArray, not both");
    }
    if (body.getValue("members") != null) {
      return Body.members(body, "members", true);
    }
    if (body.getValue("userRotationArray") != null) {
      return Body.members(body, "userRotationArray", true);
    }
    return null;
  }
}
