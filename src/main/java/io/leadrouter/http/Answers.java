package io.leadrouter.http;

import io.leadrouter.error.Failure;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the router answers when no route took a request (404, or 405 with {@code Allow} for a known path) and
 * when a handler failed: every failure as {@link Failure#of} maps it, as {@code {"error": {code, message}}}.
 */
final class Answers {

  private static final Logger LOG = LoggerFactory.getLogger(Answers.class);

  private Answers() {}

  /**
   * Installs, past every route (and after authentication, for the authenticated prefixes), the 404/405 answer
   * — decided here, not by vert.x-web, whose answer depends on which catch-all handlers the request passed
   * through — and the failure handler.
   */
  static void unmatchedAndFailures(Router router) {
    Map<Pattern, Set<HttpMethod>> allowed = allowedMethods(router);
    router.route().handler(ctx -> unmatched(ctx, allowed));
    router.route().failureHandler(Answers::renderFailure);
    // should vert.x-web still answer a request itself, it answers alike
    router.errorHandler(404, ctx -> unmatched(ctx, allowed));
    router.errorHandler(405, ctx -> unmatched(ctx, allowed));
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

  static void unmatched(RoutingContext ctx, Map<Pattern, Set<HttpMethod>> allowed) {
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

  static void render(RoutingContext ctx, Failure failure) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(failure.status()).putHeader("content-type", "application/json")
        .end(failure.json().toBuffer());
  }
}
