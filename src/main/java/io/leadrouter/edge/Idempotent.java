package io.leadrouter.edge;

import io.leadrouter.error.ApiException;
import io.leadrouter.error.Failure;
import io.leadrouter.leads.Idempotency;
import io.leadrouter.leads.LeadStore;
import io.leadrouter.leads.RecordedPick;
import io.leadrouter.util.Sha256;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

/**
 * {@code Idempotency-Key} handling: the first request with a key claims it in the store (so the claim holds
 * across nodes and restarts), runs, and stores its response; any request with the same key within the
 * retention gets that response, byte for byte, and runs nothing. The same key with a different request is
 * refused (422); bodies are compared as JSON ({@link #canonical}). Only a final answer is kept
 * ({@link #replayed}: 2xx, and the 4xx that the same request always gets); any other gives the key back,
 * so that a retry after the rotation is reactivated or the store is back runs the request.
 *
 * <p>A claim belongs to one run of the request (a random token) on one node, and lives as long as that
 * run renews its lease ({@link #LEASE}, renewed every {@link #RENEW_MS} ms). A run whose answer is not
 * final gives its claim back; one that crashed stops renewing, and a node that starts again
 * frees its previous process's claims at once. A retry that finds the claim free takes it over and runs the
 * request, finishing with the pick the earlier run recorded if it recorded one (so a lead that could not be
 * stored costs one pick, however often it is retried), else picking anew: a pick made but not recorded
 * before a crash was never answered, so it is spent, not answered twice. A run whose claim was taken over
 * writes nothing more for the key.
 */
public final class Idempotent {

  static final Duration LEASE = Duration.ofSeconds(6);
  static final long RENEW_MS = 2_000;
  private static final long POLL_MS = 10;

  /** A response to send: status and body. */
  public record Response(int status, String body) {}

  /** One run of a request: the pick an earlier run with the same key recorded, and how to record one. */
  public interface Attempt {

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

  public Idempotent(Vertx vertx, LeadStore store, long waitMs, String node, Duration retention) {
    this.vertx = vertx;
    this.store = store;
    this.waitMs = waitMs;
    this.node = node;
    this.retention = retention;
  }

  public static String validKey(String key) {
    if (key == null) {
      return null;
    }
    if (key.isBlank() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
      throw ApiException.invalid("Idempotency-Key: 1..255 printable ASCII characters without spaces");
    }
    return key;
  }

  public static String hash(String... parts) {
    return Sha256.hexOfParts(parts);
  }

  /** Runs {@code action} at most once per key (to its end); {@code key == null} runs it plainly. */
  public Future<Response> run(String accountId, String scope, String key, String requestHash,
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
      Response response = ar.succeeded() ? ar.result() : asResponse(ar.cause());
      if (replayed(response.status())) {
        return store.complete(run.accountId, run.scope, run.key, token, response.status(), response.body())
            .compose(held -> held ? Future.succeededFuture(response) : answerOfTakeover(run));
      }
      // an answer that can change (409 from the rotation's state, 5xx): give the key back so that a retry
      // runs again (with the recorded pick, if any) instead of replaying it for the whole retention
      Future<Response> answer = ar.succeeded() ? Future.succeededFuture(response) : Future.failedFuture(ar.cause());
      return store.release(run.accountId, run.scope, run.key, token)
          .transform(r -> ar.failed() && ar.cause() == TAKEN_OVER ? answerOfTakeover(run) : answer);
    });
  }

  /** This run lost its claim to a retry: the key's answer is the retry's, once it has one. */
  private Future<Response> answerOfTakeover(Run run) {
    return store.lookup(run.accountId, run.scope, run.key).compose(k -> k != null && k.done()
        ? Future.succeededFuture(new Response(k.status(), k.body())) : Future.failedFuture(takenOver()));
  }

  private static ApiException takenOver() {
    return TAKEN_OVER;
  }

  /** Shared (it carries no stack trace) so that a run can tell its own loss of the claim from other 409s. */
  private static final ApiException TAKEN_OVER = new ApiException(409,
      "Idempotency-Key: a retry took this request over; retry to get its answer");

  /**
   * 4xx answers that stay the same for the same request whatever happens meanwhile: bad input (400, also a
   * value the store refuses as data), an unknown rotation (404: ids are never reused, a deleted rotation stays
   * deleted), a body too large or of the wrong type (413, 415), a key reused for another request (422).
   * Every other failure depends on state that can change and is not replayed: 401/403 (tokens and grants),
   * 408, 409 (the rotation is not active or has no members, a claim taken over), 429, and every 5xx.
   */
  private static final Set<Integer> FINAL_4XX = Set.of(400, 404, 413, 415, 422);

  /** Whether {@code status} is the request's final answer: stored with the key and replayed for the retention. */
  public static boolean replayed(int status) {
    return status >= 200 && status < 300 || FINAL_4XX.contains(status);
  }

  /** The response a failure is rendered as. */
  private static Response asResponse(Throwable e) {
    Failure f = Failure.of(e);
    return new Response(f.status(), f.json().encode());
  }

  /**
   * The request's identity for the key: JSON compared as JSON (object keys sorted, no whitespace), so a
   * retry that serialises the same body differently is the same request; anything else as sent.
   */
  public static String canonical(String body) {
    if (body == null || body.isEmpty()) {
      return "";
    }
    try {
      return Json.encode(canonical(Json.decodeValue(body)));
    } catch (DecodeException e) {
      return body;
    }
  }

  public static String canonical(JsonObject body) {
    return Json.encode(canonical((Object) body));
  }

  private static Object canonical(Object v) {
    if (v instanceof JsonObject o) {
      JsonObject sorted = new JsonObject();
      new TreeSet<>(o.fieldNames()).forEach(k -> sorted.put(k, canonical(o.getValue(k))));
      return sorted;
    }
    if (v instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(item -> out.add(canonical(item)));
      return out;
    }
    return v;
  }
}
