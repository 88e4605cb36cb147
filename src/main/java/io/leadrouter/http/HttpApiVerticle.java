package io.leadrouter.http;

import io.leadrouter.auth.Authenticator;
import io.leadrouter.auth.Caller;
import io.leadrouter.edge.Edge;
import io.leadrouter.edge.Views;
import io.leadrouter.error.ApiException;
import io.leadrouter.error.Failure;
import io.leadrouter.store.Text;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClosedException;
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
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API. All routes are declared in {@link #routes()}; authentication and the account check are one
 * chained handler; every failure is rendered by one failure handler as {@code {"error": {code, message}}}.
 */
public final class HttpApiVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpApiVerticle.class);
  public static final long MAX_BODY = 1024 * 1024;
  /** The largest {@code POST /v1/leads} body: it is read before its sender is known, so kept small. */
  public static final long MAX_LEAD_BODY = 128 * 1024;
  private static final String CALLER = "caller";
  /** Headers whose values are stored or echoed (x-request-id goes into the assignment log). */
  private static final String[] TEXT_HEADERS = {"x-account-id", "x-request-id", "idempotency-key"};
  /** How long a request with an Idempotency-Key waits for the first request with that key to finish. */
  private static final long IDEMPOTENT_WAIT_MS = 10_000;

  private final String host;
  private final int port;
  private final JWTAuthOptions jwtOptions;
  private final Edge edge;
  private final HttpLimits limits;
  private Authenticator authenticator;
  private HttpServer server;

  public HttpApiVerticle(String host, int port, JWTAuthOptions jwtOptions, Edge edge, HttpLimits limits) {
    this.host = host;
    this.port = port;
    this.jwtOptions = jwtOptions;
    this.edge = edge;
    this.limits = limits;
  }

  @Override
  public Future<?> start() {
    authenticator = new Authenticator(JWTAuth.create(vertx, jwtOptions));
    Router router = routes();
    HeaderDeadline headers = new HeaderDeadline(vertx, limits.headerTimeoutMs());
    // no h2c: while it sniffs for the HTTP/2 preface, a connection has no HttpConnection yet, so the header
    // deadline could not close one that never sends a whole request line (nothing here speaks HTTP/2)
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setHttp2ClearTextEnabled(false)
            .setIdleTimeout(limits.idleTimeoutSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS))
        .connectionHandler(headers::opened)
        .requestHandler(request -> {
          headers.arrived(request.connection());
          router.handle(request);
        })
        .listen()
        .onSuccess(s -> server = s);
  }

  public int actualPort() {
    return server.actualPort();
  }

  Router routes() {
    Router router = Router.router(vertx);
    BodyGuard bodies = new BodyGuard(vertx, limits);
    RotationRoutes r = new RotationRoutes(edge);
    DirectoryRoutes d = new DirectoryRoutes(edge.directory());
    LeadRoutes l = new LeadRoutes(vertx, edge, IDEMPOTENT_WAIT_MS);
    ReassignRoutes a = new ReassignRoutes(edge);
    HistoryRoutes h = new HistoryRoutes(edge, Clock.systemUTC());

    // first: hold any body until the caller is known, and the query and headers every route may use
    router.route().handler(bodies::hold).handler(HttpApiVerticle::checkText);
    // liveness: no auth and no work (also the benchmarks' HTTP ceiling)
    router.get("/health/live").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
        .end("{\"status\":\"UP\"}"));
    router.get("/health/ready").handler(ctx -> edge.readiness().get().onSuccess(status -> ctx.response()
        .setStatusCode(status.getString("status").equals("UP") ? 200 : 503)
        .putHeader("content-type", "application/json").end(status.toBuffer())).onFailure(ctx::fail));
    if (edge.metrics().registry() instanceof PrometheusMeterRegistry prometheus) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(prometheus));
    }
    // the API's OpenAPI 3 document: public, like any API reference
    router.get("/openapi.json").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
        .sendFile("openapi.json"));
    // a body is read only after its caller is authenticated, within the node's budget of bytes in flight
    // (wrapped: vertx-web refuses a BodyHandler after other handlers on a route, as it could miss the body;
    // here the body was paused by the first handler and is only resumed by the BodyHandler)
    Handler<RoutingContext> read = readBody(MAX_BODY);
    for (String prefix : new String[] {"/lead-rotations*", "/teams*", "/users*"}) {
      router.route(prefix).handler(this::authenticate).handler(bodies.admit(MAX_BODY, false)).handler(read);
    }
    router.get("/v1/leads*").handler(this::authenticate).handler(bodies.admit(MAX_BODY, false)).handler(read);
    router.route("/api/*").handler(this::authenticateOrg).handler(bodies.admit(MAX_BODY, false)).handler(read);
    // POST /v1/leads authenticates with the rotation's ingest token in its body: read under strict limits
    router.post("/v1/leads").handler(bodies.admit(MAX_LEAD_BODY, true)).handler(readBody(MAX_LEAD_BODY));

    router.post("/lead-rotations").handler(r::create);
    router.get("/lead-rotations").handler(r::list);
    router.get("/lead-rotations/:rotationId").handler(r::get);
    router.put("/lead-rotations/:rotationId").handler(r::update);
    router.delete("/lead-rotations/:rotationId").handler(r::delete);
    router.patch("/lead-rotations/:rotationId/status").handler(r::changeStatus);
    router.get("/lead-rotations/:rotationId/next-user").handler(r::nextUser);
    router.get("/lead-rotations/:rotationId/assignments").handler(h::assignments);
    router.get("/lead-rotations/:rotationId/stats").handler(h::stats);

    router.post("/lead-rotations/:rotationId/next-user").handler(l::nextUserOnce);
    router.post("/lead-rotations/:rotationId/tokens").handler(l::createToken);
    router.get("/lead-rotations/:rotationId/tokens").handler(l::listTokens);
    router.delete("/lead-rotations/:rotationId/tokens/:tokenId").handler(l::revokeToken);

    router.post("/v1/leads").handler(l::create);
    router.get("/v1/leads").handler(l::list);
    router.get("/v1/leads/:leadId").handler(l::get);
    router.get("/v1/leads/:leadId/assignments").handler(l::assignments);

    router.post("/api/v2/pub/application/reassign").handler(a::reassign);
    router.get("/api/integration/GetUsers").handler(a::getUsers);

    router.post("/teams").handler(d::createTeam);
    router.get("/teams").handler(d::listTeams);
    router.get("/teams/:teamId").handler(d::getTeam);
    router.put("/teams/:teamId").handler(d::updateTeam);
    router.delete("/teams/:teamId").handler(d::deleteTeam);

    router.post("/users").handler(d::createUser);
    router.get("/users").handler(d::listUsers);
    router.get("/users/:userId").handler(d::getUser);
    router.put("/users/:userId").handler(d::updateUser);
    router.delete("/users/:userId").handler(d::deleteUser);

    // HEAD wherever GET: the same handlers, and the server sends the headers only; except next-user, whose
    // GET picks: HEAD must change nothing
    for (Route route : router.getRoutes()) {
      if (route.methods() != null && route.methods().contains(HttpMethod.GET)
          && (route.getPath() == null || !route.getPath().endsWith("/next-user"))) {
        route.method(HttpMethod.HEAD);
      }
    }
    // past every route (and after authentication, for the authenticated prefixes): a path some route serves
    // with other methods is 405 with Allow, any other 404 — decided here, not by vert.x-web, whose answer
    // depends on which catch-all handlers the request passed through
    Map<Pattern, Set<HttpMethod>> allowed = allowedMethods(router);
    router.route().handler(ctx -> unmatched(ctx, allowed));
    router.route().failureHandler(HttpApiVerticle::renderFailure);
    // should vert.x-web still answer a request itself, it answers alike
    router.errorHandler(404, ctx -> unmatched(ctx, allowed));
    router.errorHandler(405, ctx -> unmatched(ctx, allowed));
    return router;
  }

  /** The methods each declared path answers (path parameters match one segment). */
  private static Map<Pattern, Set<HttpMethod>> allowedMethods(Router router) {
    Map<String, Set<HttpMethod>> byPath = new LinkedHashMap<>();
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path != null && !path.endsWith("*") && route.methods() != null && !route.methods().isEmpty()) {
        byPath.computeIfAbsent(path, p -> new TreeSet<>(Comparator.comparing(HttpMethod::name)))
            .addAll(route.methods());
      }
    }
    Map<Pattern, Set<HttpMethod>> allowed = new LinkedHashMap<>();
    byPath.forEach((path, methods) -> allowed.put(Pattern.compile(Arrays.stream(path.split("/", -1))
        .map(segment -> segment.startsWith(":") ? "[^/]+" : Pattern.quote(segment))
        .collect(Collectors.joining("/")) + "/?"), methods));
    return allowed;
  }

  private static void unmatched(RoutingContext ctx, Map<Pattern, Set<HttpMethod>> allowed) {
    String path = ctx.request().path();
    for (Map.Entry<Pattern, Set<HttpMethod>> e : allowed.entrySet()) {
      if (e.getKey().matcher(path).matches()) {
        String allow = e.getValue().stream().map(HttpMethod::name).collect(Collectors.joining(", "));
        ctx.response().putHeader("allow", allow);
        render(ctx, Failure.of(405, "method " + ctx.request().method() + " not allowed on " + path));
        return;
      }
    }
    render(ctx, Failure.of(404, "no route " + ctx.request().method() + " " + path));
  }

  private void authenticate(RoutingContext ctx) {
    authenticator.authenticate(ctx.request().getHeader("authorization"), ctx.request().getHeader("x-account-id"))
        .onSuccess(caller -> {
          ctx.put(CALLER, caller);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  /** The integration API names the account in {@code orgId}; the token must grant it. */
  private void authenticateOrg(RoutingContext ctx) {
    String org = ctx.request().getParam("orgId");
    if (org == null || org.isBlank()) {
      ctx.fail(ApiException.invalid("orgId: query parameter required"));
      return;
    }
    authenticator.authenticate(ctx.request().getHeader("authorization"), org)
        .onSuccess(caller -> {
          ctx.put(CALLER, caller);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  private static Handler<RoutingContext> readBody(long limit) {
    BodyHandler read = BodyHandler.create(false).setBodyLimit(limit);
    return read::handle;
  }

  /** Query parameters, and the headers handlers use as text, must be text the store can keep. */
  private static void checkText(RoutingContext ctx) {
    MultiMap query;
    try {
      query = ctx.queryParams();
    } catch (RuntimeException e) {
      ctx.fail(ApiException.invalid("query: malformed query string"));
      return;
    }
    for (Map.Entry<String, String> p : query) {
      if (Text.problem(p.getKey()) != null) {
        ctx.fail(ApiException.invalid("query: a parameter name " + Text.problem(p.getKey())));
        return;
      }
      String problem = Text.problem(p.getValue());
      if (problem != null) {
        ctx.fail(ApiException.invalid(p.getKey() + ": " + problem));
        return;
      }
    }
    for (String header : TEXT_HEADERS) {
      String value = ctx.request().getHeader(header);
      if (value != null && Text.problem(value) != null) {
        ctx.fail(ApiException.invalid(header + ": " + Text.problem(value)));
        return;
      }
    }
    ctx.next();
  }

  static Caller caller(RoutingContext ctx) {
    return ctx.get(CALLER);
  }

  static void respond(RoutingContext ctx, int status, Future<JsonObject> result) {
    result.onSuccess(json -> ctx.response().setStatusCode(status)
            .putHeader("content-type", "application/json").end(json.toBuffer()))
        .onFailure(ctx::fail);
  }

  static void noContent(RoutingContext ctx, Future<Void> result) {
    result.onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  /** Answers any failure as {@link Failure#of} maps it; stack traces go to the log only, for 500s. */
  static void renderFailure(RoutingContext ctx) {
    Throwable f = ctx.failure();
    if (f instanceof HttpClosedException) {
      return; // the client went away mid-request (or was cut off): nobody to answer
    }
    Failure failure;
    if (f == null) {
      // vert.x-web failed the request with a bare status (the body handler's 413)
      int status = ctx.statusCode();
      failure = Failure.of(status, status == 413 ? "body: larger than " + BodyGuard.limit(ctx) + " bytes"
          : "request failed");
    } else {
      failure = Failure.of(f);
    }
    if (failure.unexpected()) {
      LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), f);
    } else if (failure.status() == 500) {
      LOG.error("owner failure on {} {}: {}", ctx.request().method(), ctx.request().path(), failure.message());
    }
    render(ctx, failure);
  }

  private static void render(RoutingContext ctx, Failure failure) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(failure.status()).putHeader("content-type", "application/json")
        .end(failure.json().toBuffer());
  }
}
