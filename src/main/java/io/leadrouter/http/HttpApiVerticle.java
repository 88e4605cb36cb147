package io.leadrouter.http;

import io.leadrouter.auth.Authenticator;
import io.leadrouter.auth.Caller;
import io.leadrouter.directory.TeamFollowers;
import io.leadrouter.edge.Contract;
import io.leadrouter.edge.Edge;
import io.leadrouter.edge.ReassignInput;
import io.leadrouter.edge.Services;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * The HTTP API. All routes are declared in {@link #buildRouter(Contract)}; authentication and the account check are one
 * handler in front of them ({@link Gate}); every failure is rendered by one failure handler as {@code {"error": {code, message}}}.
 */
public final class HttpApiVerticle extends VerticleBase {

  public static final long MAX_BODY = 1024 * 1024;
  /** The largest {@code POST /v1/leads} body: it is read before its sender is known, so kept small. */
  public static final long MAX_LEAD_BODY = 128 * 1024;

  private final String host;
  private final int port;
  private final JWTAuthOptions jwtOptions;
  private final Edge edge;
  private final HttpLimits limits;
  private final boolean accessLog;
  /** False when a management port serves /metrics (account ids stay off the clients' port). */
  private final boolean servesMetrics;
  /** No JWT key configured: the console may say so (it holds no secret). */
  private final boolean devMode;
  private HttpServer server;
  private Router router;
  private EventRoutes events;

  public HttpApiVerticle(String host, int port, JWTAuthOptions jwtOptions, Edge edge, HttpLimits limits,
      boolean accessLog, boolean servesMetrics, boolean devMode) {
    this.devMode = devMode;
    this.accessLog = accessLog;
    this.servesMetrics = servesMetrics;
    this.host = host;
    this.port = port;
    this.jwtOptions = jwtOptions;
    this.edge = edge;
    this.limits = limits;
  }

  @Override
  public Future<?> start() {
    return Contract.load(vertx).compose(this::listen);
  }

  private Future<HttpServer> listen(Contract contract) {
    router = buildRouter(contract);
    HeaderDeadline headers = new HeaderDeadline(vertx, limits.headerTimeoutMs());
    // no h2c: while it sniffs for the HTTP/2 preface, a connection has no HttpConnection yet, so the header
    // deadline could not close one that never sends a whole request line (nothing here speaks HTTP/2)
    // no WebSocket compression either: nothing here speaks WebSocket, and offering it puts an extension
    // handler in every connection's pipeline that looks at every request and response
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setHttp2ClearTextEnabled(false)
            .setPerFrameWebSocketCompressionSupported(false).setPerMessageWebSocketCompressionSupported(false)
            .setIdleTimeout(limits.idleTimeoutSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS))
        .connectionHandler(headers::opened)
        .requestHandler(request -> {
          headers.arrived(request.connection());
          router.handle(request);
        })
        .listen()
        .onSuccess(s -> server = s);
  }

  /** Ends the open event streams before the server closes. */
  @Override
  public Future<?> stop() {
    if (events != null) {
      events.endAll();
    }
    return Future.succeededFuture();
  }

  public int actualPort() {
    return server.actualPort();
  }

  /**
   * The operations this verticle's router serves, as {@code "METHOD /path"} in Vert.x path syntax
   * ({@code /lead-rotations/:rotationId}); HEAD, which every GET but next-user also answers, is left out. Read
   * from the router itself, so that the OpenAPI document can be checked against what is really served.
   */
  public SortedSet<String> routes() {
    return routes(router);
  }

  private static SortedSet<String> routes(Router router) {
    SortedSet<String> routes = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path != null && route.isExactPath() && route.methods() != null) { // not the console's /console/*
        route.methods().stream().filter(m -> m != HttpMethod.HEAD).forEach(m -> routes.add(m.name() + " " + path));
      }
    }
    return routes;
  }

  private Router buildRouter(Contract contract) {
    Router router = Router.router(vertx);
    BodyGuard bodies = new BodyGuard(vertx, limits);
    RotationRoutes r = new RotationRoutes(edge);
    MemberRoutes m = new MemberRoutes(edge);
    DirectoryRoutes d = new DirectoryRoutes(edge.directory(), new TeamFollowers(edge.rotationStore(), edge.rotations(),
        edge.directory()));
    Services services = Services.of(vertx, edge);
    LeadRoutes l = new LeadRoutes(edge, services);
    ReassignRoutes a = new ReassignRoutes(edge.directory(), services.reassignment());
    HistoryRoutes h = new HistoryRoutes(edge, edge.clock());
    EventRoutes e = events = new EventRoutes(vertx, edge, limits.logLagMs());

    // first: a request id (and the access line); then hold any body until the caller is known, and the query and headers every route may use
    AtomicReference<AccessLog.Templates> templates = new AtomicReference<>();
    router.route().handler(ctx -> AccessLog.handler(ctx, templates.get(), accessLog));
    router.route().handler(bodies::hold).handler(Body::checkText);
    // liveness: no auth and no work (also the benchmarks' HTTP ceiling)
    router.get("/health/live").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
        .end("{\"status\":\"UP\"}"));
    router.get("/health/ready").handler(ctx -> edge.readiness().get().onSuccess(status -> ctx.response()
        .setStatusCode(status.getString("status").equals("UP") ? 200 : 503)
        .putHeader("content-type", "application/json").end(status.toBuffer())).onFailure(ctx::fail));
    if (servesMetrics && edge.metrics().registry() instanceof PrometheusMeterRegistry prometheus) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(prometheus));
    }
    // the API's OpenAPI 3 document: public, like any API reference; the very bytes bodies are checked against
    router.get("/openapi.json").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
        .end(contract.document()));
    // the web console: static files from the jar, public (they hold no data: every call they make is an API
    // call with the caller's JWT)
    Console.routes(router, devMode);
    // a body is read only after its caller is authenticated, within the node's budget of bytes in flight, and
    // only on the routes that take one (`body`); elsewhere a body is never read (dropped after the answer),
    // and one declared over the limit is refused (413) at once
    // (routes without a path: a prefix route would be named in the HTTP metrics' route label, before the
    // operation's own template)
    Authenticator authenticator = new Authenticator(JWTAuth.create(vertx, jwtOptions));
    router.route().handler(new Gate(authenticator, bodies.declaredWithin(MAX_BODY)));
    UnaryOperator<Route> reads = withBody(bodies.admit(MAX_BODY, false), MAX_BODY);
    // then, before its handler, the body is checked against its operation's schema in the API document
    BiFunction<Route, String, Route> body = (route, operationId) -> reads.apply(route)
        .handler(Body.validated(contract, operationId));

    // the hot path first: a request tries the routes in order
    router.get("/lead-rotations/:rotationId/next-user").handler(r::nextUser);
    body.apply(router.post("/lead-rotations"), "createLeadRotation").handler(r::create);
    router.get("/lead-rotations").handler(r::list);
    router.get("/lead-rotations/:rotationId").handler(r::get);
    body.apply(router.put("/lead-rotations/:rotationId"), "updateLeadRotation").handler(r::update);
    router.delete("/lead-rotations/:rotationId").handler(r::delete);
    body.apply(router.patch("/lead-rotations/:rotationId/status"), "changeLeadRotationStatus")
        .handler(r::changeStatus);
    router.get("/lead-rotations/:rotationId/assignments").handler(h::assignments);
    router.get("/lead-rotations/:rotationId/stats").handler(h::stats);
    body.apply(router.patch("/lead-rotations/:rotationId/members/:userId"), "patchRotationMember").handler(m::patchMember);
    router.get("/lead-rotations/:rotationId/members").handler(m::members);
    router.get("/lead-rotations/:rotationId/preview").handler(m::preview);
    router.get("/lead-rotations/:rotationId/events").handler(e::events);

    reads.apply(router.post("/lead-rotations/:rotationId/next-user")).handler(l::nextUserOnce);
    body.apply(router.post("/lead-rotations/:rotationId/next-users"), "nextUsers").handler(l::nextUsers);
    body.apply(router.post("/lead-rotations/:rotationId/tokens"), "createIngestToken").handler(l::createToken);
    router.get("/lead-rotations/:rotationId/tokens").handler(l::listTokens);
    router.delete("/lead-rotations/:rotationId/tokens/:tokenId").handler(l::revokeToken);

    // POST /v1/leads authenticates with the rotation's ingest token in its body: read under strict limits
    withBody(bodies.admit(MAX_LEAD_BODY, true), MAX_LEAD_BODY).apply(router.post("/v1/leads"))
        .handler(Body.validated(contract, "createLead", true, LeadRoutes::hasToken, RoutingContext::fail))
        .handler(l::create);
    router.get("/v1/leads").handler(l::list);
    router.get("/v1/leads/:leadId").handler(l::get);
    router.get("/v1/leads/:leadId/assignments").handler(l::assignments);

    reads.apply(router.post("/api/v2/pub/application/reassign"))
        .handler(Body.validated(contract, ReassignInput.OPERATION, false, b -> {}, ReassignRoutes::refuse))
        .handler(a::reassign);
    router.get("/api/integration/GetUsers").handler(a::getUsers);

    body.apply(router.post("/teams"), "createTeam").handler(d::createTeam);
    router.get("/teams").handler(d::listTeams);
    router.get("/teams/:teamId").handler(d::getTeam);
    body.apply(router.put("/teams/:teamId"), "updateTeam").handler(d::updateTeam);
    router.delete("/teams/:teamId").handler(d::deleteTeam);

    body.apply(router.post("/users"), "createUser").handler(d::createUser);
    router.get("/users").handler(d::listUsers);
    router.get("/users/:userId").handler(d::getUser);
    body.apply(router.put("/users/:userId"), "updateUser").handler(d::updateUser);
    router.delete("/users/:userId").handler(d::deleteUser);

    // HEAD wherever GET: the same handlers, and the server sends the headers only; except next-user, whose
    // GET picks: HEAD must change nothing, and the event stream, which never ends
    for (Route route : router.getRoutes()) {
      if (route.methods() != null && route.methods().contains(HttpMethod.GET)
          && (route.getPath() == null || !(route.getPath().endsWith("/next-user") || route.getPath().endsWith("/events")))) {
        route.method(HttpMethod.HEAD);
      }
    }
    // past every route: 404, or 405 with Allow; and the one failure handler
    Answers.unmatchedAndFailures(router);
    templates.set(AccessLog.Templates.of(routes(router))); // the access line's and the trace span's route
    return router;
  }

  /**
   * Makes a route take a body: admitted ({@link BodyGuard#admit}), then read. The BodyHandler is wrapped, as
   * vert.x-web refuses one after other handlers on a route (it could miss the body; here the body was paused
   * by the first handler and is only resumed by the BodyHandler).
   */
  private static UnaryOperator<Route> withBody(Handler<RoutingContext> admit, long limit) {
    BodyHandler read = BodyHandler.create(false).setBodyLimit(limit);
    Handler<RoutingContext> reader = read::handle;
    return route -> route.handler(admit).handler(reader);
  }

  static Caller caller(RoutingContext ctx) {
    return ctx.get(Gate.CALLER);
  }

  static void respond(RoutingContext ctx, int status, Future<JsonObject> result) {
    result.onSuccess(json -> ctx.response().setStatusCode(status)
            .putHeader("content-type", "application/json").end(json.toBuffer()))
        .onFailure(ctx::fail);
  }

  static void noContent(RoutingContext ctx, Future<Void> result) {
    result.onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }
}
