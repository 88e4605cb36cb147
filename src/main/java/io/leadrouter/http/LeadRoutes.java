package io.leadrouter.http;

import io.leadrouter.auth.Caller;
import io.leadrouter.edge.BatchPick;
import io.leadrouter.edge.Edge;
import io.leadrouter.edge.Idempotent;
import io.leadrouter.edge.LeadFields;
import io.leadrouter.edge.LeadIntake;
import io.leadrouter.edge.Services;
import io.leadrouter.edge.Views;
import io.leadrouter.error.ApiException;
import io.leadrouter.leads.Agent;
import io.leadrouter.leads.Lead;
import io.leadrouter.leads.LeadFilter;
import io.leadrouter.leads.LeadStore;
import io.leadrouter.owner.RotationService;
import io.leadrouter.util.Sha256;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Leads: {@code POST /v1/leads} with a rotation's ingest token (no JWT) picks the rotation's next user and
 * stores the lead with that owner; reads under JWT; ingest tokens of a rotation under JWT.
 */
final class LeadRoutes {

  static final String TOKEN_PREFIX = "lrt_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final LeadStore leads;
  private final RotationService rotations;
  private final Idempotent idempotent;
  private final LeadIntake intake;
  private final BatchPick batch;

  LeadRoutes(Edge edge, Services services) {
    this.batch = services.batchPick();
    this.leads = edge.leads();
    this.rotations = edge.rotations();
    this.idempotent = services.idempotent();
    this.intake = services.leadIntake();
  }

  // ---- POST /v1/leads ---------------------------------------------------------------------------------

  /**
   * The credential of {@code POST /v1/leads}, checked before the body's shape as authentication is on the
   * other routes: a missing or blank token is 401 (a token that is not a string is a shape error, 400).
   */
  static void hasToken(JsonObject body) {
    Object raw = body.getValue("current_token");
    if (raw == null || raw instanceof String s && s.isBlank()) {
      throw ApiException.unauthorized("current_token: required (the ingest token of the rotation)");
    }
  }

  void create(RoutingContext ctx) {
    // the whole body was checked against the schema before the token is used, so bad input consumes no pick
    JsonObject body = Body.object(ctx).copy();
    String secret = (String) body.remove("current_token");
    Map<String, Object> fields = LeadFields.parse(body);
    String key = Idempotent.validKey(ctx.request().getHeader("idempotency-key"));
    send(ctx, intake.byToken(secret, fields, key));
  }

  static void send(RoutingContext ctx, Future<Idempotent.Response> response) {
    response.onSuccess(r -> ctx.response().setStatusCode(r.status()).putHeader("content-type", "application/json")
        .end(r.body())).onFailure(ctx::fail);
  }

  // ---- reads (JWT) ------------------------------------------------------------------------------------

  void get(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "leadId");
    HttpApiVerticle.respond(ctx, 200, lead(caller, id).map(LeadFields::view));
  }

  private Future<Lead> lead(Caller caller, long id) {
    return leads.getLead(caller.accountId(), id).map(l -> {
      if (l == null) {
        throw ApiException.notFound("lead " + id + " not found");
      }
      return l;
    });
  }

  void list(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    Long owner = optionalId(ctx, "owner");
    Long rotation = optionalId(ctx, "rotationId");
    LeadFilter filter = new LeadFilter(owner, rotation, instant(ctx, "from"), instant(ctx, "to"),
        Body.query(ctx, "limit", 50, 1, 500), Body.query(ctx, "offset", 0, 0, Integer.MAX_VALUE));
    HttpApiVerticle.respond(ctx, 200, leads.listLeads(caller.accountId(), filter)
        .map(p -> Views.page(p, LeadFields::view)));
  }

  void assignments(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "leadId");
    HttpApiVerticle.respond(ctx, 200, lead(caller, id).compose(l -> {
      Future<List<Agent>> agents = leads.agents(caller.accountId(), id);
      Future<List<io.leadrouter.leads.LeadEvent>> history = leads.history(caller.accountId(), id);
      return Future.all(agents, history).map(v -> {
        JsonArray events = new JsonArray();
        history.result().forEach(e -> events.add(LeadFields.event(e)));
        return new JsonObject().put("leadId", String.valueOf(id)).put("owner", l.owner()).put("agents",
            LeadFields.agents(agents.result())).put("history", events);
      });
    }));
  }

  static Long optionalId(RoutingContext ctx, String param) {
    String raw = ctx.request().getParam(param);
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    return (long) Body.query(ctx, param, 0, 1, Integer.MAX_VALUE);
  }

  static Instant instant(RoutingContext ctx, String param) {
    return Body.instant(ctx, param);
  }

  // ---- ingest tokens (JWT) ----------------------------------------------------------------------------

  void createToken(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long rotationId = Body.id(ctx, "rotationId");
    String name = Body.object(ctx).getString("name");
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String secret = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    String prefix = secret.substring(0, TOKEN_PREFIX.length() + 6);
    HttpApiVerticle.respond(ctx, 201, rotations.get(caller.accountId(), rotationId)
        .compose(r -> leads.createToken(caller.accountId(), rotationId, name, Sha256.of(secret), prefix, caller.subject()))
        // the secret is shown here once; only its hash is stored
        .map(t -> LeadFields.token(t).put("token", secret)));
  }

  void listTokens(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long rotationId = Body.id(ctx, "rotationId");
    HttpApiVerticle.respond(ctx, 200, rotations.get(caller.accountId(), rotationId)
        .compose(r -> leads.listTokens(caller.accountId(), rotationId))
        .map(tokens -> {
          JsonArray items = new JsonArray();
          tokens.forEach(t -> items.add(LeadFields.token(t)));
          return new JsonObject().put("items", items);
        }));
  }

  void revokeToken(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long rotationId = Body.id(ctx, "rotationId");
    long tokenId = Body.id(ctx, "tokenId");
    HttpApiVerticle.noContent(ctx, leads.revokeToken(caller.accountId(), rotationId, tokenId, caller.subject())
        .compose(found -> found ? Future.<Void>succeededFuture()
            : Future.failedFuture(ApiException.notFound("token " + tokenId + " of rotation " + rotationId + " not found"))));
  }

  /** POST next-user with an optional Idempotency-Key: the same response as GET, picked at most once per key. */
  void nextUserOnce(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long rotationId = Body.id(ctx, "rotationId");
    String key = Idempotent.validKey(ctx.request().getHeader("idempotency-key"));
    String body = ctx.body() == null ? "" : ctx.body().asString();
    send(ctx, idempotent.run(caller.accountId(), "next-user", key,
        Idempotent.hash(String.valueOf(rotationId), Idempotent.canonical(body)),
        attempt -> rotations.pick(caller.accountId(), rotationId, key == null ? AccessLog.requestId(ctx)
            : "idem:" + key).map(r -> new Idempotent.Response(200, Views.nextUser(r).encode()))));
  }

  /**
   * {@code POST /lead-rotations/{id}/next-users} {@code {"count": n}}: n picks in one request (see
   * {@link BatchPick}); with an {@code Idempotency-Key}, a retry gets the same answer and picks nobody.
   */
  void nextUsers(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long rotationId = Body.id(ctx, "rotationId");
    JsonObject body = Body.object(ctx);
    int count = BatchPick.count(body.getValue("count"), "count");
    String key = Idempotent.validKey(ctx.request().getHeader("idempotency-key"));
    send(ctx, idempotent.run(caller.accountId(), "next-users", key,
        Idempotent.hash(String.valueOf(rotationId), Idempotent.canonical(body)),
        attempt -> batch.pick(caller.accountId(), rotationId, count, key == null ? AccessLog.requestId(ctx)
            : "idem:" + key).map(r -> new Idempotent.Response(200, r.encode()))));
  }
}
