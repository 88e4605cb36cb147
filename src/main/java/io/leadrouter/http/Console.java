package io.leadrouter.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web console: plain HTML, CSS and ES modules from the jar ({@code src/main/resources/console/}), served
 * under {@code /console/}; {@code GET /} redirects there. Public: the files hold no data, and the page makes
 * every data call through the API with the JWT its user pasted. {@code /console/config.json} tells the page
 * before sign-in whether the service runs in dev mode, nothing more.
 */
final class Console {

  /** Short: the files are not fingerprinted, and an upgraded service should show its own console soon. */
  static final long MAX_AGE_SECONDS = 60;

  private Console() {}

  static void routes(Router router, boolean devMode) {
    router.get("/").handler(ctx -> ctx.response().setStatusCode(302).putHeader("location", "/console/").end());
    String config = "{\"devMode\":" + devMode + "}";
    router.get("/console/config.json").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store").end(config));
    router.get("/console/*").handler(StaticHandler.create("console").setCachingEnabled(true)
        .setMaxAgeSeconds(MAX_AGE_SECONDS).setDefaultContentEncoding("UTF-8").setDirectoryListing(false));
  }
}
