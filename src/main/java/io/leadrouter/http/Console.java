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


  /**
   * The page loads only its own files and talks only to this service: no inline script, no other origin, not
   * framed (inline style attributes are allowed: the chart's legend uses them).
   */
  static final String CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
      + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private Console() {}

  static void routes(Router router, boolean devMode) {
    router.get("/").handler(ctx -> ctx.response().setStatusCode(302).putHeader("location", "/console/").end());
    String config = "{\"devMode\":" + devMode + "}";
    router.get("/console/config.json").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store").end(config));
    // the files are not fingerprinted: a browser keeps them but asks each time whether they changed
    // (Last-Modified, 304), so that an upgraded service shows its own console at once
    router.get("/console/*")
        .handler(ctx -> {
          ctx.addHeadersEndHandler(v -> ctx.response().headers().set("cache-control", "no-cache")
              .set("content-security-policy", CSP).set("x-content-type-options", "nosniff"));
          ctx.next();
        })
        .handler(StaticHandler.create("console").setCachingEnabled(true).setDefaultContentEncoding("UTF-8")
            .setDirectoryListing(false));
  }
}
