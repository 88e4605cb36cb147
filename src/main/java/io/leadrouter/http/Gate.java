package io.leadrouter.http;

import io.leadrouter.auth.Authenticator;
import io.leadrouter.error.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * The one handler in front of the operations: the caller's check a request's path needs (a JWT, and the
 * account it names), then the body size it declares; straight on where the path needs neither. The caller
 * is left in the context for the operation ({@link HttpApiVerticle#caller}).
 */
final class Gate implements Handler<RoutingContext> {

  static final String CALLER = "caller";

  /** Paths under these (as Vert.x's {@code /prefix*}) need a JWT; {@code /v1/leads} only for GET and HEAD (POST takes an ingest token). */
  private static final String[] JWT_PREFIXES = {"/lead-rotations", "/teams", "/users", "GET /v1/leads"};
  /** Paths under this need a JWT that grants the account named in {@code orgId}. */
  private static final String ORG_PREFIX = "/api/";

  private final Authenticator authenticator;
  private final Handler<RoutingContext> declared;

  /** {@code declared}: refuses a body declared over the limit, else goes on. */
  Gate(Authenticator authenticator, Handler<RoutingContext> declared) {
    this.authenticator = authenticator;
    this.declared = declared;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (path.startsWith(ORG_PREFIX)) {
      authenticateOrg(ctx);
      return;
    }
    HttpMethod method = ctx.request().method();
    for (String prefix : JWT_PREFIXES) {
      boolean getOnly = prefix.startsWith("GET ");
      if (getOnly ? (method == HttpMethod.GET || method == HttpMethod.HEAD) && path.startsWith(prefix.substring(4))
          : path.startsWith(prefix)) {
        authenticate(ctx);
        return;
      }
    }
    ctx.next();
  }

  /** The caller from the JWT, for the account in {@code x-account-id}. */
  private void authenticate(RoutingContext ctx) {
    admit(ctx, ctx.request().getHeader("x-account-id"));
  }

  /** The integration API names the account in {@code orgId}; the token must grant it. */
  private void authenticateOrg(RoutingContext ctx) {
    String org = ctx.request().getParam("orgId");
    if (org == null || org.isBlank()) {
      ctx.fail(ApiException.invalid("orgId: query parameter required"));
      return;
    }
    admit(ctx, org);
  }

  private void admit(RoutingContext ctx, String account) {
    authenticator.authenticate(ctx.request().getHeader("authorization"), account)
        .onSuccess(caller -> {
          ctx.put(CALLER, caller);
          declared.handle(ctx);
        })
        .onFailure(ctx::fail);
  }
}
