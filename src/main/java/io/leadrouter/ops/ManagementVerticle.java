package io.leadrouter.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.function.Supplier;

/**
 * The management port ({@code management-port}): {@code /metrics}, {@code /health/live} and {@code /health/ready}
 * on a port of their own, which the probes and the metrics scraper use and clients never reach. With it, the API
 * port no longer serves {@code /metrics}: account ids (a label of the pick counters) stay off the port that
 * faces clients. Nothing here authenticates; the network policy keeps the port to the cluster's own scrapers.
 */
public final class ManagementVerticle extends VerticleBase {

  private final String host;
  private final int port;
  private final PrometheusMeterRegistry registry;
  private final Supplier<Future<JsonObject>> readiness;
  private HttpServer server;

  public ManagementVerticle(String host, int port, PrometheusMeterRegistry registry,
      Supplier<Future<JsonObject>> readiness) {
    this.host = host;
    this.port = port;
    this.registry = registry;
    this.readiness = readiness;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/health/live").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
        .end("{\"status\":\"UP\"}"));
    router.get("/health/ready").handler(ctx -> readiness.get().onSuccess(status -> ctx.response()
        .setStatusCode(status.getString("status").equals("UP") ? 200 : 503)
        .putHeader("content-type", "application/json").end(status.toBuffer())).onFailure(ctx::fail));
    if (registry != null) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    }
    // probes and scrapes every few seconds are not traced: they would bury the requests worth a trace
    return vertx.createHttpServer(new HttpServerOptions().setTracingPolicy(TracingPolicy.IGNORE)).requestHandler(router)
        .listen(port, host).onSuccess(s -> server = s);
  }

  /** The port listened on. */
  public int actualPort() {
    return server.actualPort();
  }
}
