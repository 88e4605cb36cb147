package io.leadrouter.http;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The first handler of every request: gives it a request id and, when the access log is on ({@code access-log}),
 * logs one line when its answer is sent. The id is the caller's {@code X-Request-Id} when that is a plain token (letters,
 * digits, {@code . _ : -}, at most 128), else a new random one; it is echoed in the response's
 * {@code X-Request-Id}, stored with a pick in the assignment log, and put in the log's MDC as
 * {@code requestId} for the access line. The line names the route template ({@code /lead-rotations/:rotationId}),
 * never the raw path, so it carries no ids of the caller's choosing beyond the request id.
 *
 * <p>With tracing on, the request's server span (Vert.x's, current while its handlers run) gets the request id
 * ({@code leadrouter.request_id}) and, before the answer's headers go out, the route template
 * ({@code http.route}, and the name {@code GET /lead-rotations/:rotationId/next-user}).
 */
final class AccessLog {

  private static final Logger LOG = LoggerFactory.getLogger("leadrouter.access");
  static final String REQUEST_ID = "requestId";
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  static final AttributeKey<String> SPAN_REQUEST_ID = AttributeKey.stringKey("leadrouter.request_id");
  static final AttributeKey<String> SPAN_ROUTE = AttributeKey.stringKey("http.route");

  private AccessLog() {}

  /**
   * The route templates of a router, to name the route of a request that ended in a failure handler (whose
   * route has no path): its path matched against the templates. Built once, after every route is added.
   */
  record Templates(List<Map.Entry<Pattern, String>> patterns) {
    static Templates of(Collection<String> operations) {
      List<Map.Entry<Pattern, String>> patterns = new ArrayList<>();
      for (String op : operations) {
        String template = op.substring(op.indexOf(' ') + 1);
        String regex = Pattern.quote(template).replaceAll(":[A-Za-z]+", "\\\\E[^/]+\\\\Q");
        patterns.add(Map.entry(Pattern.compile(regex), template));
      }
      return new Templates(List.copyOf(patterns));
    }

    String of(RoutingContext ctx) {
      Route route = ctx.currentRoute();
      if (route != null && route.getPath() != null && !route.getPath().endsWith("*")) {
        return route.getPath();
      }
      String path = ctx.normalizedPath();
      for (Map.Entry<Pattern, String> p : patterns) {
        if (p.getKey().matcher(path).matches()) {
          return p.getValue();
        }
      }
      return "unmatched";
    }
  }

  static void handler(RoutingContext ctx, Templates templates, boolean log) {
    String given = ctx.request().getHeader("x-request-id");
    String id = given != null && TOKEN.matcher(given).matches() ? given : newId();
    ctx.put(REQUEST_ID, id);
    ctx.response().putHeader("x-request-id", id);
    Span span = Span.current(); // invalid (and not recording) when tracing is off
    if (span.isRecording() && templates != null) {
      span.setAttribute(SPAN_REQUEST_ID, id);
      ctx.addHeadersEndHandler(v -> {
        String template = templates.of(ctx);
        span.setAttribute(SPAN_ROUTE, template);
        span.updateName(ctx.request().method().name() + " " + template);
      });
    }
    if (log && templates != null) {
      long started = System.nanoTime();
      ctx.addEndHandler(done -> line(ctx, templates.of(ctx), id, started));
    }
    ctx.next();
  }

  /** The request id of this request (set by the first handler). */
  static String requestId(RoutingContext ctx) {
    return ctx.get(REQUEST_ID);
  }

  private static void line(RoutingContext ctx, String template, String id, long started) {
    MDC.put(REQUEST_ID, id);
    try {
      LOG.info("{} {} {} {} ms request {}", ctx.request().method(), template, ctx.response().getStatusCode(),
          String.format("%.1f", (System.nanoTime() - started) / 1e6), id);
    } finally {
      MDC.remove(REQUEST_ID);
    }
  }

  private static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
  }
}
