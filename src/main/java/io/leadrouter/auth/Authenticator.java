package io.leadrouter.auth;

import io.leadrouter.error.ApiException;
import io.leadrouter.store.Text;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns an {@code Authorization} header and an optional {@code x-account-id} into a {@link Caller}, the same
 * way for HTTP and the event-bus API. Order of checks: token (401), then account (400 when ambiguous, 403 when
 * not granted). The token's {@code accounts} claim lists the accounts the caller may use; {@code "*"} is all.
 */
public final class Authenticator {

  private static final int CACHE_SIZE = 4096;
  /** The furthest ahead a time claim may be: tokens are not minted for longer than this. */
  public static final long MAX_AHEAD_SECONDS = 10L * 366 * 86_400;
  private static final List<String> TIME_CLAIMS = List.of("exp", "iat", "nbf");

  private final JWTAuth jwt;
  /**
   * Tokens verified before, with their claims: a hot caller sends the same token thousands of times a second,
   * and re-checking its signature each time would cost more than the pick. Expiry is still checked on every
   * use. One instance per verticle, so confined to one event loop: no locking.
   */
  private final Map<String, Verified> verified = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Verified> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  /**
   * A verified token's claims ({@code exp} null: never expires) and the caller it last granted, with the
   * {@code x-account-id} it was asked for: the same header again gets the same caller without checking the
   * claims again (they and the answer depend on nothing else).
   */
  private static final class Verified {
    final JsonObject claims;
    final Long exp;
    String account;
    Future<Caller> caller;

    Verified(JsonObject claims) {
      this.claims = claims;
      this.exp = claims.getLong("exp");
    }
  }

  /** The last cached token used, with its whole Authorization header. */
  private String lastHeader;
  private String lastToken;
  private Verified last;

  public Authenticator(JWTAuth jwt) {
    this.jwt = jwt;
  }

  public Future<Caller> authenticate(String authorization, String accountHeader) {
    if (authorization == null || authorization.isBlank()) {
      return Future.failedFuture(ApiException.unauthorized("missing Authorization: Bearer <token> header"));
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() <= 7) {
      return Future.failedFuture(ApiException.unauthorized("Authorization header must be 'Bearer <token>'"));
    }
    // the header of the last request, if this is the same: a hot caller's next request (comparing is cheaper
    // than hashing a long token anew: each request's header is a new String)
    Verified known = authorization.equals(lastHeader) ? last : null;
    String token = known != null ? lastToken : authorization.substring(7).trim();
    if (known == null) {
      known = verified.get(token);
      if (known != null) {
        lastHeader = authorization;
        lastToken = token;
        last = known;
      }
    }
    if (known != null) {
      if (known.exp == null || known.exp * 1000 > System.currentTimeMillis()) {
        if (known.caller != null && Objects.equals(accountHeader, known.account)) {
          return known.caller;
        }
        Future<Caller> caller = account(known.claims, accountHeader);
        if (caller.succeeded()) {
          known.account = accountHeader;
          known.caller = caller;
        }
        return caller;
      }
      verified.remove(token);
      last = null;
      lastHeader = null;
      return Future.failedFuture(ApiException.unauthorized("invalid or expired token"));
    }
    JsonObject payload = payload(token);
    String refused = payload == null ? null : claimProblem(payload, System.currentTimeMillis() / 1000);
    if (refused != null) {
      return Future.failedFuture(ApiException.unauthorized("invalid token: " + refused));
    }
    Future<User> checked;
    try {
      checked = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // the library throws for some malformed tokens instead of failing its future: still a bad token
      checked = Future.failedFuture(e);
    }
    return checked
        .recover(e -> Future.failedFuture(ApiException.unauthorized("invalid or expired token")))
        .compose(user -> {
          JsonObject claims = user.principal();
          // unreadable here but accepted by the library: treated as expired, so the next use verifies again
          verified.put(token, new Verified(claims.copy().put("exp", payload == null ? Long.valueOf(0L)
              : payload.getLong("exp"))));
          return account(claims, accountHeader);
        });
  }

  /** The claims of a token, not yet verified; null when unreadable (the library then refuses it). */
  private static JsonObject payload(String token) {
    try {
      String[] parts = token.split("\\.");
      if (parts.length != 3) {
        return null;
      }
      return new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Why the time claims of a token cannot be honoured, or null. They must be whole numbers of seconds (the
   * JWT library fails with a ClassCastException on a string or an object) and no later than
   * {@link #MAX_AHEAD_SECONDS} from now: {@code exp: 1e300} is not a token that never expires.
   */
  static String claimProblem(JsonObject claims, long nowSeconds) {
    for (String claim : TIME_CLAIMS) {
      if (!claims.containsKey(claim)) {
        continue;
      }
      Object v = claims.getValue(claim);
      if (!(v instanceof Integer || v instanceof Long)) {
        return "'" + claim + "' must be a whole number of seconds since 1970";
      }
      long seconds = ((Number) v).longValue();
      if (seconds < 0 || seconds > nowSeconds + MAX_AHEAD_SECONDS) {
        return "'" + claim + "' is out of range (0 .. now + " + MAX_AHEAD_SECONDS / 86_400 + " days)";
      }
    }
    return null;
  }

  private static Future<Caller> account(JsonObject claims, String accountHeader) {
    Object sub = claims.getValue("sub");
    if (!(sub instanceof String subject) || subject.isBlank()) {
      return Future.failedFuture(ApiException.unauthorized("token has no 'sub' claim"));
    }
    // recorded as createdBy/updatedBy: text the store cannot keep would fail every write of this caller
    String badSub = Text.problem(subject);
    if (badSub != null) {
      return Future.failedFuture(ApiException.unauthorized("invalid token: 'sub' " + badSub));
    }
    Object raw = claims.getValue("accounts");
    if (!(raw instanceof JsonArray accounts) || accounts.isEmpty()) {
      return Future.failedFuture(
          ApiException.forbidden("token grants no accounts ('accounts' claim missing or empty)"));
    }
    boolean all = accounts.contains("*");
    String account = accountHeader == null ? null : accountHeader.trim();
    if (account == null || account.isEmpty()) {
      if (all || accounts.size() != 1 || !(accounts.getValue(0) instanceof String only)) {
        return Future.failedFuture(ApiException.invalid(
            "x-account-id: header required (the token grants more than one account)"));
      }
      if (only.isBlank() || Text.problem(only) != null) {
        return Future.failedFuture(ApiException.unauthorized("invalid token: its only account is not a usable id"));
      }
      return Future.succeededFuture(new Caller(subject, only));
    }
    if (account.length() > 200) {
      return Future.failedFuture(ApiException.invalid("x-account-id: longer than 200 characters"));
    }
    String badAccount = Text.problem(account);
    if (badAccount != null) {
      return Future.failedFuture(ApiException.invalid("x-account-id: " + badAccount));
    }
    if (!all && !accounts.contains(account)) {
      return Future.failedFuture(ApiException.forbidden("the token does not grant account " + account));
    }
    return Future.succeededFuture(new Caller(subject, account));
  }
}
