package io.leadrouter.http;

import io.leadrouter.leads.Idempotency;
import io.leadrouter.leads.LeadStore;
import io.leadrouter.owner.ServiceException;
import io.leadrouter.store.StoreException;
import io.leadrouter.owner.Messages;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * {@code Idempotency-Key} handling: the first request with a key claims it in the store (so the claim holds
 * across nodes and restarts), runs, and stores its response; any request with the same key within 24 hours
 * gets that response, byte for byte, and runs nothing. The same key with a different request is refused
 * (422). A request that failed in a retryable way (5xx) gives its claim back, so a retry runs anew.
 */
final class Idempotent {

  static final Duration RETENTION = Duration.ofHours(24);
  private static final long POLL_MS = 10;

  /** A response to send: status and body. */
  record Response(int status, String body) {}

  private final Vertx vertx;
  private final LeadStore store;
  private final long waitMs;

  Idempotent(Vertx vertx, LeadStore store, long waitMs) {
    this.vertx = vertx;
    this.store = store;
    this.waitMs = waitMs;
  }

  static String validKey(String key) {
    if (key == null) {
      return null;
    }
    if (key.isBlank() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
      throw ApiException.invalid("Idempotency-Key: 1..255 printable ASCII characters without spaces");
    }
    return key;
  }

  static String hash(String... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        md.update(p == null ? new byte[] {0} : p.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0x1f);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code action} at most once per key; {@code key == null} runs it plainly. */
  Future<Response> run(String accountId, String scope, String key, String requestHash,
      Supplier<Future<Response>> action) {
    if (key == null) {
      return action.get();
    }
    Instant expiredBefore = Instant.now().minus(RETENTION);
    return store.claim(accountId, scope, key, requestHash, expiredBefore).compose(existing -> {
      if (existing == null) {
        return lead(accountId, scope, key, action);
      }
      if (!existing.requestHash().equals(requestHash)) {
        return Future.failedFuture(new ApiException(422,
            "Idempotency-Key: already used with a different request; use a new key"));
      }
      return replay(accountId, scope, key, existing, System.currentTimeMillis() + waitMs);
    });
  }

  private Future<Response> lead(String accountId, String scope, String key, Supplier<Future<Response>> action) {
    Future<Response> result;
    try {
      result = action.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.transform(ar -> {
      Response response = ar.succeeded() ? ar.result() : final4xx(ar.cause());
      if (response == null) {
        // retryable (5xx) or unexpected: give the key back so a retry runs anew
        return store.release(accountId, scope, key).transform(r -> Future.failedFuture(ar.cause()));
      }
      return store.complete(accountId, scope, key, response.status(), response.body()).map(response);
    });
  }

  /** A client error is the request's final answer and is replayed too; null for anything retryable. */
  private static Response final4xx(Throwable e) {
    int status = e instanceof ApiException a ? a.status() : e instanceof ServiceException s ? s.status()
        : e instanceof StoreException s ? Messages.status(s.kind()) : 500;
    if (status >= 400 && status < 500 && status != 429) {
      return new Response(status, Views.error(status, e.getMessage()).encode());
    }
    return null;
  }

  private Future<Response> replay(String accountId, String scope, String key, Idempotency record, long deadline) {
    if (record != null && record.done()) {
      return Future.succeededFuture(new Response(record.status(), record.body()));
    }
    if (record == null) {
      // the first request gave its key back (it failed retryably): this one may run, as a retry would
      return Future.failedFuture(new ApiException(409,
          "Idempotency-Key: the first request with this key failed; send it again"));
    }
    if (System.currentTimeMillis() > deadline) {
      return Future.failedFuture(new ApiException(409,
          "Idempotency-Key: the first request with this key is still in progress; retry later"));
    }
    Promise<Idempotency> next = Promise.promise();
    vertx.setTimer(POLL_MS, id -> store.lookup(accountId, scope, key).onComplete(next));
    return next.future().compose(r -> replay(accountId, scope, key, r, deadline));
  }

  static JsonObject parse(Response r) {
    return new JsonObject(r.body());
  }
}
