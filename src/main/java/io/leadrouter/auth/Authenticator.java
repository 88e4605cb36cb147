package io.leadrouter.auth;

import io.leadrouter.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns an {@code Authorization} header and an optional {@code x-account-id} into a {@link Caller}, the same
 * way for HTTP and the event-bus API. Order of checks: token (401), then account (400 when ambiguous, 403 when
 * not granted). The token's {@code accounts} claim lists the accounts the caller may use; {@code "*"} is all.
 */
public final class Authenticator {

  private static final int CACHE_SIZE = 4096;

  private final JWTAuth jwt;
  /**
   * Tokens verified before, with their claims: a hot caller sends the same token thousands of times a second,
   * and re-checking its signature each time would cost more than the pick. Expiry is still checked on every
   * use. One instance per verticle, so confined to one event loop: no locking.
   */
  private final Map<String, JsonObject> verified = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, JsonObject> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  public Authenticator(JWTAuth jwt) {
    this.jwt = jwt;
  }

  public Future<Caller> authenticate(String authorization, String accountHeader) {
    if (authorization == null || authorization.isBlank()) {
      return Future.failedFuture(new ApiException(401, "missing Authorization: Bearer <token> header"));
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() <= 7) {
      return Future.failedFuture(new ApiException(401, "Authorization header must be 'Bearer <token>'"));
    }
    String token = authorization.substring(7).trim();
    JsonObject known = verified.get(token);
    if (known != null) {
      Long exp = known.getLong("exp");
      if (exp == null || exp * 1000 > System.currentTimeMillis()) {
        return account(known, accountHeader);
      }
      verified.remove(token);
      return Future.failedFuture(new ApiException(401, "invalid or expired token"));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(new ApiException(401, "invalid or expired token")))
        .compose(user -> {
          JsonObject claims = user.principal();
          verified.put(token, claims.copy().put("exp", expiry(token)));
          return account(claims, accountHeader);
        });
  }

  /** The {@code exp} claim of a token whose signature was verified, or null when it has none. */
  private static Long expiry(String token) {
    try {
      String payload = token.split("\\.")[1];
      return new JsonObject(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8)).getLong("exp");
    } catch (RuntimeException e) {
      return 0L; // unreadable: treat as expired, so the next call verifies it again
    }
  }

  private static Future<Caller> account(JsonObject claims, String accountHeader) {
    Object sub = claims.getValue("sub");
    if (!(sub instanceof String subject) || subject.isBlank()) {
      return Future.failedFuture(new ApiException(401, "token has no 'sub' claim"));
    }
    Object raw = claims.getValue("accounts");
    if (!(raw instanceof JsonArray accounts) || accounts.isEmpty()) {
      return Future.failedFuture(new ApiException(403, "token grants no accounts ('accounts' claim missing or empty)"));
    }
    boolean all = accounts.contains("*");
    String account = accountHeader == null ? null : accountHeader.trim();
    if (account == null || account.isEmpty()) {
      if (all || accounts.size() != 1 || !(accounts.getValue(0) instanceof String only)) {
        return Future.failedFuture(ApiException.invalid(
            "x-account-id: header required (the token grants more than one account)"));
      }
      return Future.succeededFuture(new Caller(subject, only));
    }
    if (account.length() > 200) {
      return Future.failedFuture(ApiException.invalid("x-account-id: longer than 200 characters"));
    }
    if (!all && !accounts.contains(account)) {
      return Future.failedFuture(new ApiException(403, "the token does not grant account " + account));
    }
    return Future.succeededFuture(new Caller(subject, account));
  }
}
