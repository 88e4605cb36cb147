package io.leadrouter.http;

import io.leadrouter.auth.Caller;
import io.leadrouter.edge.Edge;
import io.leadrouter.error.ApiException;
import io.leadrouter.leads.Agent;
import io.leadrouter.leads.Lead;
import io.leadrouter.leads.LeadEvent;
import io.leadrouter.leads.LeadStore;
import io.leadrouter.store.Page;
import io.leadrouter.store.Directory;
import io.leadrouter.store.StoreException;
import io.leadrouter.store.Text;
import io.leadrouter.store.User;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Insellerate-compatible integration API: manual reassignment of an application (a lead) by user id or
 * email, and the org's users with their agent roles. The account is the {@code orgId} query parameter, which
 * the JWT's {@code accounts} must include.
 *
 * <p>As the integration's documents promise, a received reassignment is answered 200 either way: on success
 * {@code {"Message": "Application updated successfully", "Success": true}}, otherwise {@code "Success": false}
 * with a {@code Message} saying exactly why — and then nothing has changed.
 */
final class ReassignRoutes {

  static final String SUCCESS = "Application updated successfully";

  private final Directory store;
  private final LeadStore leads;

  ReassignRoutes(Edge edge) {
    this.store = edge.directory();
    this.leads = edge.leads();
  }

  /** Thrown for a request that was received but cannot be applied: answered 200 with Success false. */
  private static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  void reassign(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    Future<Void> applied;
    try {
      applied = apply(caller, body(ctx));
    } catch (Refused e) {
      applied = Future.failedFuture(e);
    }
    applied.onSuccess(v -> answer(ctx, new JsonObject().put("Message", SUCCESS).put("Success", true)))
        .onFailure(e -> {
          if (e instanceof Refused || e instanceof StoreException s && s.kind() == StoreException.Kind.CONFLICT) {
            answer(ctx, new JsonObject().put("Message", e.getMessage()).put("Success", false));
          } else {
            ctx.fail(e); // the store is down or a bug: 503/500, nothing was changed
          }
        });
  }

  private static void answer(RoutingContext ctx, JsonObject body) {
    ctx.response().setStatusCode(200).putHeader("content-type", "application/json").end(body.toBuffer());
  }

  private static JsonObject body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() == 0) {
      throw new Refused("body: a JSON object with ApplicationId, Assignments, PrimaryAgent, UnassignAllOtherUsers is required");
    }
    try {
      Object v = Json.decodeValue(ctx.body().buffer());
      if (v instanceof JsonObject o) {
        Text.checkJson(o, "");
        return o;
      }
    } catch (DecodeException e) {
      throw new Refused("body: not valid JSON");
    } catch (ApiException e) {
      // text the store cannot keep: refused like any other field of a received request
      throw new Refused(e.getMessage());
    }
    throw new Refused("body: must be a JSON object");
  }

  /** The fields of the seed's request body and of its agent references; any other field is refused. */
  private static final Set<String> FIELDS = Set.of("ApplicationId", "Assignments", "PrimaryAgent",
      "UnassignAllOtherUsers");
  private static final Set<String> REF_FIELDS = Set.of("UserId", "Email");

  /**
   * A user named by {@code {"UserId": ...}} or {@code {"Email": ...}}, or by both when they are the same user;
   * {@code path} names it in messages.
   */
  private record Ref(Long userId, String email, String path) {

    String label() {
      return path + (userId != null ? ".UserId" : ".Email");
    }
  }

  private static void known(JsonObject o, String path, Set<String> fields) {
    for (String name : o.fieldNames()) {
      if (!fields.contains(name)) {
        throw new Refused((path.isEmpty() ? "" : path + ".") + name + ": unknown field");
      }
    }
  }

  private static Ref ref(Object value, String path) {
    if (!(value instanceof JsonObject o)) {
      throw new Refused(path + ": must be an object with UserId or Email");
    }
    known(o, path, REF_FIELDS);
    Object id = o.getValue("UserId");
    Object email = o.getValue("Email");
    if (email != null && (!(email instanceof String s) || s.isBlank())) {
      throw new Refused(path + ".Email: must be a non-blank string");
    }
    String mail = email == null ? null : ((String) email).trim();
    if (id != null) {
      try {
        long userId = id instanceof Number n && n.doubleValue() == n.longValue() ? n.longValue()
            : Long.parseLong(String.valueOf(id).trim());
        return new Ref(userId, mail, path);
      } catch (NumberFormatException e) {
        throw new Refused(path + ".UserId: '" + id + "' is not a user id");
      }
    }
    if (mail != null) {
      return new Ref(null, mail, path);
    }
    throw new Refused(path + ": needs UserId or Email");
  }

  private Future<Void> apply(Caller caller, JsonObject body) {
    String org = caller.accountId();
    known(body, "", FIELDS);
    Object appRaw = body.getValue("ApplicationId");
    long applicationId;
    try {
      applicationId = appRaw instanceof Number n && n.doubleValue() == n.longValue() ? n.longValue()
          : Long.parseLong(String.valueOf(appRaw).trim());
    } catch (NumberFormatException e) {
      throw new Refused("ApplicationId: required, the id of the application (lead)");
    }
    Object assignmentsRaw = body.getValue("Assignments");
    if (assignmentsRaw != null && !(assignmentsRaw instanceof JsonArray)) {
      throw new Refused("Assignments: must be an array of {\"UserId\": ...} or {\"Email\": ...}");
    }
    JsonArray assignments = assignmentsRaw == null ? new JsonArray() : (JsonArray) assignmentsRaw;
    if (body.getValue("PrimaryAgent") == null) {
      throw new Refused("PrimaryAgent: required ({\"UserId\": ...} or {\"Email\": ...})");
    }
    Ref primaryRef = ref(body.getValue("PrimaryAgent"), "PrimaryAgent");
    List<Ref> refs = new ArrayList<>();
    for (int i = 0; i < assignments.size(); i++) {
      refs.add(ref(assignments.getValue(i), "Assignments[" + i + "]"));
    }
    Object unassignRaw = body.getValue("UnassignAllOtherUsers");
    if (unassignRaw != null && !(unassignRaw instanceof Boolean)) {
      throw new Refused("UnassignAllOtherUsers: must be true or false");
    }
    boolean unassignOthers = Boolean.TRUE.equals(unassignRaw);

    return leads.getLead(org, applicationId).compose(lead -> {
      if (lead == null) {
        throw new Refused("ApplicationId " + applicationId + ": no such application in org " + org);
      }
      List<Future<User>> named = new ArrayList<>();
      named.add(resolve(org, primaryRef));
      refs.forEach(r -> named.add(resolve(org, r)));
      return Future.all(named).compose(v -> leads.agents(org, applicationId).compose(current ->
          currentRoles(org, current).compose(roles -> {
            List<User> users = named.stream().map(Future::result).toList();
            List<Agent> next = plan(users.get(0), users.subList(1, users.size()), current, roles, unassignOthers);
            if (sameAgents(current, next)) {
              return Future.<Void>succeededFuture(); // nothing changes: no history entry either
            }
            LeadEvent event = new LeadEvent(Instant.now(), LeadEvent.REASSIGNED, current, next, caller.subject());
            return leads.reassign(org, applicationId, lead.version(), next, event).<Void>mapEmpty();
          })));
    });
  }

  private Future<User> resolve(String org, Ref ref) {
    Future<User> user = ref.userId() != null ? store.getUser(org, ref.userId()) : store.findUserByEmail(org, ref.email());
    // the label names the field given, with the value given
    String given = ref.label() + " " + (ref.userId() != null ? ref.userId() : ref.email());
    return user.map(u -> {
      if (u == null) {
        throw new Refused(given + ": no such user in org " + org);
      }
      if (ref.userId() != null && ref.email() != null && !ref.email().equalsIgnoreCase(u.email())) {
        // emails are unique per org: an Email other than the UserId's names someone else (or nobody)
        throw new Refused(ref.path() + ": UserId " + u.id() + " is " + u.email() + ", not " + ref.email()
            + "; give one of them, or both of the same user");
      }
      if (!u.active()) {
        throw new Refused(given + (ref.userId() != null ? " (" + u.email() + ")" : "") + ": the user is inactive");
      }
      return u;
    });
  }

  /** The directory's current roles of the agents (their roles when assigned, if they left the directory). */
  private Future<Map<Long, List<String>>> currentRoles(String org, List<Agent> agents) {
    List<Future<User>> users = agents.stream().map(a -> store.getUser(org, a.userId())).toList();
    return Future.all(users).map(v -> {
      Map<Long, List<String>> roles = new LinkedHashMap<>();
      for (int i = 0; i < agents.size(); i++) {
        User u = users.get(i).result();
        roles.put(agents.get(i).userId(), u != null ? u.roles() : agents.get(i).roles());
      }
      return roles;
    });
  }

  /**
   * The agents after reassignment: the primary agent first, then the named assignments, then the other
   * current agents as secondaries — except, with {@code unassignOthers}, those whose role matches the
   * primary agent's (they share a role, or neither has one).
   */
  static List<Agent> plan(User primary, List<User> assignments, List<Agent> current, Map<Long, List<String>> roles,
      boolean unassignOthers) {
    Instant now = Instant.now();
    Map<Long, Agent> existing = new LinkedHashMap<>();
    current.forEach(a -> existing.put(a.userId(), a));
    Map<Long, Agent> next = new LinkedHashMap<>();
    next.put(primary.id(), agent(primary, true, existing, now));
    for (User u : assignments) {
      next.putIfAbsent(u.id(), agent(u, false, existing, now));
    }
    for (Agent a : current) {
      if (next.containsKey(a.userId())) {
        continue;
      }
      if (unassignOthers && rolesMatch(roles.getOrDefault(a.userId(), a.roles()), primary.roles())) {
        continue;
      }
      next.put(a.userId(), a.asPrimary(false));
    }
    return List.copyOf(next.values());
  }

  private static Agent agent(User u, boolean primary, Map<Long, Agent> existing, Instant now) {
    Agent before = existing.get(u.id());
    return new Agent(u.id(), u.email(), u.name(), u.roles(), primary, before == null ? now : before.assignedAt());
  }

  /** The same users with the same primary agent: a reassignment to these agents changes nothing. */
  static boolean sameAgents(List<Agent> current, List<Agent> next) {
    Map<Long, Boolean> before = new LinkedHashMap<>();
    current.forEach(a -> before.put(a.userId(), a.primary()));
    Map<Long, Boolean> after = new LinkedHashMap<>();
    next.forEach(a -> after.put(a.userId(), a.primary()));
    return before.equals(after);
  }

  static boolean rolesMatch(List<String> a, List<String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return a.isEmpty() && b.isEmpty();
    }
    return !Collections.disjoint(a, b);
  }

  // ---- GET /api/integration/GetUsers ------------------------------------------------------------------

  void getUsers(RoutingContext ctx) {
    Caller caller = HttpApiVerticle.caller(ctx);
    allUsers(caller.accountId(), 0, new JsonArray()).onSuccess(users -> ctx.response()
        .putHeader("content-type", "application/json").end(users.toBuffer())).onFailure(ctx::fail);
  }

  private Future<JsonArray> allUsers(String org, int offset, JsonArray out) {
    return store.listUsers(org, 500, offset).compose((Page<User> page) -> {
      page.items().forEach(u -> out.add(new JsonObject().put("UserId", u.id()).put("Email", u.email())
          .put("Name", u.name()).put("Roles", new JsonArray(u.roles())).put("Active", u.active())));
      int next = offset + page.items().size();
      return page.items().isEmpty() || next >= page.total() ? Future.succeededFuture(out) : allUsers(org, next, out);
    });
  }
}
