package io.leadrouter.http;

import io.leadrouter.error.ApiException;
import io.leadrouter.error.Failure;
import io.leadrouter.leads.Idempotency;
import io.leadrouter.leads.LeadStore;
import io.leadrouter.leads.RecordedPick;
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
import java.util.UUID;
import java.util.function.Function;

/**
 * {@code Idempotency-Key} handling: the first request with a key claims it in the store (so the claim holds
 * across nodes and restarts), runs, and stores its response; any request with the same key within the
 * retention gets that response, byte for byte, and runs nothing. The same key with a different request is
 * refused (422).
 *
 * <p>A claim belongs to one run of the request (a random token) on one node, and lives as long as that
 * run renews its lease ({@link #LEASE}, renewed every {@link #RENEW_MS} ms). A run that failed in a
 * retryable way (5xx) gives its claim back; one that crashed stops renewing, and a node that starts again
 * frees its previous process's claims at once. A retry that finds the claim free takes it over and runs the
 * request, finishing with the pick the earlier run recorded if it recorded one (so a lead that could not be
 * stored costs one pick, however often it is retried), else picking anew: a pick made but not recorded
 * before a crash was never answered, so it is spent, not answered twice. A run whose claim was taken over
 * writes nothing more for the key.
 */
final class Idempotent {

  static final Duration LEASE = Duration.ofSeconds(6);
  static final long RENEW_MS = 2_000;
  private static final long POLL_MS = 10;

  /** A response to send: status and body. */
  record Response(int status, String body) {}

  /** One run of a request: the pick an earlier run with the same key recorded, and how to record one. */
  interface Attempt {

    /** Whether the request has an Idempotency-Key (else nothing is recorded and a retry runs anew). */
    boolean keyed();

    /** The pick an earlier run with this key recorded, or null: then this run picks (and records it). */
    RecordedPick recordedPick();

    /** Records this run's pick before anything else is written; fails (409) when a retry took the key over. */
    Future<Void> recordPick(RecordedPick pick);
  }

  private static final Attempt UNKEYED = new Attempt() {
    @Override
    public boolean keyed() {
      return false;
    }

    @Override
    public RecordedPick recordedPick() {
      return null;
    }

    @Override
    public Future<Void> recordPick(RecordedPick pick) {
      return Future.succeededFuture();
    }
  };

  private final Vertx vertx;
  private final LeadStore store;
  private final long waitMs;
  private final String node;
  private final Duration retention;

  Idempotent(Vertx vertx, LeadStore store, long waitMs, String node, Duration retention) {
    this.vertx = vertx;
    this.store = store;
    this.waitMs = waitMs;
    this.node = node;
    this.retention = retention;
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

  /** Runs {@code action} at most once per key (to its end); {@code key == null} runs it plainly. */
  Future<Response> run(String accountId, String scope, String key, String requestHash,
      Function<Attempt, Future<Response>> action) {
    if (key == null) {
      return action.apply(UNKEYED);
    }
    return claim(new Run(accountId, scope, key, requestHash, action, System.currentTimeMillis() + waitMs));
  }

  /** One request with a key: what it needs to claim, wait for, or take over the key. */
  private record Run(String accountId, String scope, String key, String requestHash,
      Function<Attempt, Future<Response>> action, long deadline) {}

  private Future<Response> claim(Run run) {
    String token = UUID.randomUUID().toString();
    Instant expiredBefore = Instant.now().minus(retention);
    return store.claim(run.accountId, run.scope, run.key, run.requestHash, expiredBefore, node, token, LEASE)
        .compose(k -> settle(run, k, token));
  }

  private Future<Response> settle(Run run, Idempotency k, String token) {
    if (k == null) {
      // the key was given back (its run failed retryably, having picked nothing): run anew, as a retry would
      return claim(run);
    }
    if (token != null && k.heldBy(token)) {
      return lead(run, k, token);
    }
    if (!k.requestHash().equals(run.requestHash)) {
      return Future.failedFuture(new ApiException(422,
          "Idempotency-Key: already used with a different request; use a new key"));
    }
    if (k.done()) {
      return Future.succeededFuture(new Response(k.status(), k.body()));
    }
    if (k.free()) {
      // its run gave it back, crashed, or its node is gone: take it over
      return claim(run);
    }
    if (System.currentTimeMillis() > run.deadline) {
      return Future.failedFuture(new ApiException(409,
          "Idempotency-Key: the first request with this key is still in progress; retry later"));
    }
    Promise<Idempotency> next = Promise.promise();
    vertx.setTimer(POLL_MS, id -> store.lookup(run.accountId, run.scope, run.key).onComplete(next));
    return next.future().compose(r -> settle(run, r, null));
  }

  private Future<Response> lead(Run run, Idempotency claimed, String token) {
    Attempt attempt = new Attempt() {
      @Override
      public boolean keyed() {
        return true;
      }

      @Override
      public RecordedPick recordedPick() {
        return claimed.pick();
      }

      @Override
      public Future<Void> recordPick(RecordedPick pick) {
        return store.recordPick(run.accountId, run.scope, run.key, token, pick).compose(held -> held
            ? Future.succeededFuture() : Future.failedFuture(takenOver()));
      }
    };
    long renewal = vertx.setPeriodic(RENEW_MS, id -> store.renew(run.accountId, run.scope, run.key, token, LEASE));
    Future<Response> result;
    try {
      result = run.action.apply(attempt);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.transform(ar -> {
      vertx.cancelTimer(renewal);
      Response response = ar.succeeded() ? ar.result() : final4xx(ar.cause());
      if (response == null) {
        // retryable (5xx) or unexpected: give the key back so a retry runs (with the recorded pick, if any)
        return store.release(run.accountId, run.scope, run.key, token).transform(r -> Future.failedFuture(ar.cause()));
      }
      return store.complete(run.accountId, run.scope, run.key, token, response.status(), response.body())
          .compose(held -> held ? Future.succeededFuture(response) : answerOfTakeover(run));
    });
  }

  /** This run lost its claim to a retry: the key's answer is the retry's, once it has one. */
  private Future<Response> answerOfTakeover(Run run) {
    return store.lookup(run.accountId, run.scope, run.key).compose(k -> k != null && k.done()
        ? Future.succeededFuture(new Response(k.status(), k.body())) : Future.failedFuture(takenOver()));
  }

  private static ApiException takenOver() {
    return new ApiException(409, "Idempotency-Key: a retry took this request over; retry to get its answer");
  }

  /** A client error is the request's final answer and is replayed too; null for anything retryable. */
  private static Response final4xx(Throwable e) {
    Failure f = Failure.of(e);
    if (f.status() >= 400 && f.status() < 500 && f.status() != 429) {
      return new Response(f.status(), f.json().encode());
    }
    return null;
  }

  static JsonObject parse(Response r) {
    return new JsonObject(r.body());
  }
}
