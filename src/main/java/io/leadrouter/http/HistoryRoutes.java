package io.leadrouter.http;

import io.leadrouter.auth.Caller;
import io.leadrouter.edge.Edge;
import io.leadrouter.edge.Views;
import io.leadrouter.error.ApiException;
import io.leadrouter.owner.RotationService;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.store.Assignment;
import io.leadrouter.store.AssignmentLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Handlers of a rotation's pick history ({@code /assignments}) and fairness ({@code /stats}), read from the
 * assignment log. The log is written behind: a pick shows up here within one flush interval of its answer.
 * The rotation's account is checked through its owner first, so another account's rotation is a 404.
 */
final class HistoryRoutes {

  static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

  private final AssignmentLog store;
  private final RotationService rotations;
  private final Clock clock;

  HistoryRoutes(Edge edge, Clock clock) {
    this.store = edge.assignmentLog();
    this.rotations = edge.rotations();
    this.clock = clock;
  }

  /** {@code ?userId=&from=&to=&limit=&offset=}: the rotation's picks, newest first. */
  void assignments(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "rotationId");
    Long userId = userId(ctx);
    Instant from = instant(ctx, "from");
    Instant to = instant(ctx, "to");
    checkOrder(from, to);
    int limit = Body.query(ctx, "limit", 50, 1, 500);
    int offset = Body.query(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    HttpApiVerticle.respond(ctx, 200, rotations.get(caller.accountId(), id)
        .compose(r -> store.listAssignments(id, userId, from, to, limit, offset))
        .map(page -> Views.page(page, HistoryRoutes::assignment)));
  }

  /**
   * {@code ?from=&to=}: picks per member in [from, to) beside the share the weights promise. The window
   * defaults to the 24 h before {@code to}, and {@code to} to now. Picks of users who are no longer members
   * count in {@code totalPicks} and are listed under {@code formerMembers}.
   */
  void stats(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    long id = Body.id(ctx, "rotationId");
    Instant rawFrom = instant(ctx, "from");
    Instant rawTo = instant(ctx, "to");
    Instant to = rawTo != null ? rawTo : clock.instant();
    Instant from = rawFrom != null ? rawFrom : to.minus(DEFAULT_WINDOW);
    checkOrder(from, to);
    HttpApiVerticle.respond(ctx, 200, rotations.get(caller.accountId(), id)
        .compose(r -> Future.all(store.countPicksByUser(id, from, to), store.countSkipsByUser(id, from, to))
            .map(all -> stats(r, all.resultAt(0), all.resultAt(1), from, to))));
  }

  /** {@code skipped}: per member, the picks in the window that passed it over, by reason. */
  private static JsonObject stats(RotationState r, Map<Long, Long> counts, Map<Long, Map<String, Long>> skips,
      Instant from, Instant to) {
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    long weights = r.members().stream().mapToLong(Member::weight).sum();
    Map<Long, Long> others = new HashMap<>(counts);
    JsonArray members = new JsonArray();
    for (Member m : r.members()) {
      long picks = counts.getOrDefault(m.userId(), 0L);
      others.remove(m.userId());
      members.add(new JsonObject().put("userId", m.userId()).put("email", m.email()).put("name", m.name())
          .put("weight", m.weight()).put("picks", picks).put("actualShare", share(picks, total))
          .put("expectedShare", share(m.weight(), weights))
          .put("skipped", new JsonObject(new LinkedHashMap<>(skips.getOrDefault(m.userId(), Map.of())))));
    }
    JsonArray former = new JsonArray();
    counts.forEach((userId, picks) -> {
      if (others.containsKey(userId)) {
        former.add(new JsonObject().put("userId", userId).put("picks", picks).put("actualShare", share(picks, total)));
      }
    });
    return new JsonObject().put("rotationId", r.id()).put("from", Views.instant(from)).put("to", Views.instant(to))
        .put("totalPicks", total).put("members", members).put("formerMembers", former);
  }

  private static double share(long part, long whole) {
    return whole == 0 ? 0.0 : (double) part / whole;
  }

  private static JsonObject assignment(Assignment a) {
    JsonObject o = new JsonObject().put("rotationId", a.rotationId()).put("sequence", a.sequence())
        .put("userId", a.userId()).put("email", a.email()).put("position", a.position())
        .put("pickedAt", Views.instant(a.pickedAt())).put("requestId", a.requestId())
        .put("skipped", Views.skipped(a.skipped())).put("repayment", a.repayment());
    if (a.fallbackFrom() != null) {
      o.put("fallbackFrom", a.fallbackFrom());
    }
    return o;
  }

  private static Long userId(RoutingContext ctx) {
    String raw = ctx.request().getParam("userId");
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    try {
      long id = Long.parseLong(raw);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException ignored) {
      // fall through to the error below
    }
    throw ApiException.invalid("userId: must be a positive integer, got '" + raw + "'");
  }

  private static Instant instant(RoutingContext ctx, String param) {
    return Body.instant(ctx, param);
  }

  private static void checkOrder(Instant from, Instant to) {
    if (from != null && to != null && !to.isAfter(from)) {
      throw ApiException.invalid("to: must be later than from (" + from + "), got '" + to + "'");
    }
  }
}
