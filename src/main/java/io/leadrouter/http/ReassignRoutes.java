package io.leadrouter.http;

import io.leadrouter.auth.Caller;
import io.leadrouter.edge.ReassignInput;
import io.leadrouter.edge.Reassignment;
import io.leadrouter.error.ApiException;
import io.leadrouter.store.Page;
import io.leadrouter.store.Directory;
import io.leadrouter.store.User;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The Insellerate-compatible integration API: manual reassignment of an application (a lead) by user id or
 * email, and the org's users with their agent roles. The account is the {@code orgId} query parameter, which
 * the JWT's {@code accounts} must include.
 *
 * <p>As the integration's documents promise, a received reassignment is answered 200 either way: on success
 * {@code {"Message": "Application updated successfully", "Success": true}}, otherwise {@code "Success": false}
 * with a {@code Message} saying exactly why — and then nothing has changed.
 */
final class ReassignRoutes {

  private final Directory store;
  private final Reassignment reassignment;

  ReassignRoutes(Directory store, Reassignment reassignment) {
    this.store = store;
    this.reassignment = reassignment;
  }

  void reassign(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    Future<Void> applied;
    try {
      applied = reassignment.reassign(caller.accountId(), caller.subject(), ReassignInput.parse(Body.object(ctx)));
    } catch (Reassignment.Refused e) {
      applied = Future.failedFuture(e);
    }
    applied.onSuccess(v -> answer(ctx, Reassignment.result(null)))
        .onFailure(e -> {
          if (Reassignment.refused(e)) {
            answer(ctx, Reassignment.result(e));
          } else {
            ctx.fail(e); // the store is down or a bug: 503/500, nothing was changed
          }
        });
  }

  private static void answer(RoutingContext ctx, JsonObject body) {
    ctx.response().setStatusCode(200).putHeader("content-type", "application/json").end(body.toBuffer());
  }

  /**
   * A body that is not a {@code Reassign} of the document is refused like any other received reassignment:
   * 200 with {@code Success: false} and the message naming the field.
   */
  static void refuse(RoutingContext ctx, ApiException e) {
    answer(ctx, Reassignment.result(e instanceof Reassignment.Refused ? e : new Reassignment.Refused(e.getMessage())));
  }

  // ---- GET /api/integration/GetUsers ------------------------------------------------------------------

  void getUsers(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    allUsers(caller.accountId(), 0, new JsonArray()).onSuccess(users -> ctx.response()
        .putHeader("content-type", "application/json").end(users.toBuffer())).onFailure(ctx::fail);
  }

  private Future<JsonArray> allUsers(String org, int offset, JsonArray out) {
    return store.listUsers(org, 500, offset).compose((Page<User> page) -> {
      page.items().forEach(u -> out.add(new JsonObject().put("UserId", u.id()).put("Email", u.email())
          .put("Name", u.name()).put("Roles", new JsonArray(u.roles())).put("Active", u.active())));
      int next = offset + page.items().size();
      return page.items().isEmpty() || next >= page.total() ? Future.succeededFuture(out) : allUsers(org, next, out);
    });
  }
}
