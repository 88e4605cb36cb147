package io.leadrouter.edge;

import io.leadrouter.error.Failure;
import io.leadrouter.owner.PickReply;
import io.leadrouter.owner.RotationService;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Rotation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Several picks of one rotation in one request ({@code POST /lead-rotations/{id}/next-users}, event bus
 * {@code leadrouter.api.next-users}), for callers that route many leads at once: one authentication and one
 * round trip instead of {@code count}. Each pick is an ordinary pick of the owner (its own sequence number,
 * eligibility, fallback), all sent at once; other callers' picks may come between them.
 *
 * <p>The answer lists the picks made, in the order they were made. Picks already made are never hidden: when
 * fewer than asked could be made (nobody eligible any more, a full write-behind buffer), the answer still
 * lists them and {@code error} says why the rest were not; only when none was made is the request a failure.
 */
public final class BatchPick {

  /** The most picks one request may ask for. */
  public static final int MAX = 100;

  private final RotationService rotations;

  public BatchPick(RotationService rotations) {
    this.rotations = rotations;
  }

  /** {@code count} checked to be 1..{@link #MAX} (1 when absent); the field name for the error is {@code field}. */
  public static int count(Object raw, String field) {
    return Count.of(raw, field, 1, MAX);
  }

  /** {@code requestId} (may be null) is suffixed {@code #1..#count} in the assignment log. */
  public Future<JsonObject> pick(String accountId, long rotationId, int count, String requestId) {
    List<Future<PickReply>> all = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      all.add(rotations.pick(accountId, rotationId, requestId == null ? null : requestId + "#" + i));
    }
    return Future.join(all).transform(done -> {
      JsonArray picks = new JsonArray();
      Throwable first = null;
      for (Future<PickReply> f : all) {
        if (f.succeeded()) {
          picks.add(entry(f.result()));
        } else if (first == null) {
          first = f.cause();
        }
      }
      if (picks.isEmpty()) {
        return Future.failedFuture(first);
      }
      JsonObject answer = new JsonObject().put("rotationId", String.valueOf(rotationId)).put("requested", count)
          .put("picks", picks);
      if (first != null) {
        answer.put("error", Failure.of(first).json().getJsonObject("error"));
      }
      return Future.succeededFuture(answer);
    });
  }

  /** One pick of the batch: whom, with which number and position, and whom it passed over. */
  static JsonObject entry(PickReply reply) {
    Rotation.UserPicked p = reply.picked();
    Member m = p.member();
    JsonObject o = new JsonObject()
        .put("sequence", p.sequence())
        .put("user", new JsonObject().put("id", m.userId()).put("email", m.email()).put("name", m.name())
            .put("userId", String.valueOf(m.userId())).put("weight", m.weight()))
        .put("rotationId", String.valueOf(p.rotationId()))
        .put("currentPosition", p.position())
        .put("skipped", Views.skipped(p.skipped()));
    if (p.fallbackFrom() != null) {
      o.put("fallbackFrom", p.fallbackFrom());
    }
    return o;
  }
}
