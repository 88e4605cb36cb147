package io.leadrouter.http;

import io.leadrouter.auth.Caller;
import io.leadrouter.edge.Count;
import io.leadrouter.edge.Edge;
import io.leadrouter.edge.Views;
import io.leadrouter.owner.RotationService;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.store.Directory;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Handlers of a rotation's members and outlook: {@code PATCH /lead-rotations/{id}/members/{userId}} (weight,
 * paused, caps), {@code GET /lead-rotations/{id}/preview?count=N} and {@code GET /lead-rotations/{id}/members}.
 * All answered by the rotation's owner, account-checked like every rotation route.
 */
final class MemberRoutes {

  static final int MAX_PREVIEW = 100;

  private final RotationService rotations;
  private final Directory directory;

  MemberRoutes(Edge edge) {
    this.rotations = edge.rotations();
    this.directory = edge.directory();
  }

  void patchMember(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "rotationId");
    long userId = Body.id(ctx, "userId");
    JsonObject body = Body.object(ctx);
    Future<JsonObject> answer = rotations.update(RotationSettings.patch(caller.accountId(), id, userId, body,
            caller.subject()))
        .compose(s -> s.teamId() == null ? Future.succeededFuture(Views.rotation(s, null))
            : directory.getTeam(s.accountId(), s.teamId()).map(t -> Views.rotation(s, t)));
    HttpApiVerticle.respond(ctx, 200, answer);
  }

  void preview(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "rotationId");
    int count = Count.of(ctx.request().getParam("count"), "count", 10, MAX_PREVIEW);
    HttpApiVerticle.respond(ctx, 200, rotations.preview(caller.accountId(), id, count).map(Views::preview));
  }

  void members(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "rotationId");
    HttpApiVerticle.respond(ctx, 200, rotations.members(caller.accountId(), id).map(Views::memberViews));
  }
}
