package io.leadrouter.edge;

import io.leadrouter.error.ApiException;
import io.leadrouter.error.ErrorKind;
import io.leadrouter.leads.Agent;
import io.leadrouter.leads.LeadEvent;
import io.leadrouter.leads.LeadStore;
import io.leadrouter.store.Directory;
import io.leadrouter.store.StoreException;
import io.leadrouter.store.User;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Manual reassignment of an application (a lead) to agents named by user id or email, as the
 * Insellerate-compatible API does it; shared by HTTP and the event-bus API. A request that was received but
 * cannot be applied fails with {@link Refused} (the integration answers it with {@code Success: false}), and
 * then nothing has changed. A reassignment that changes nothing records no history entry.
 */
public final class Reassignment {

  /** A user named by {@code UserId} or {@code Email}, or by both of the same user; {@code path} names it. */
  public record AgentRef(Long userId, String email, String path) {

    String label() {
      return path + (userId != null ? ".UserId" : ".Email");
    }
  }

  /** The reassignment of one application: the primary agent, further agents, whether others with its role leave. */
  public record Request(long applicationId, AgentRef primary, List<AgentRef> assignments, boolean unassignOthers) {}

  /** A received request that cannot be applied, saying exactly why. */
  public static final class Refused extends ApiException {
    public Refused(String message) {
      super(ErrorKind.INVALID, message);
    }
  }

  /** Whether a failure is a refusal of the request (answered, nothing changed) rather than an outage or a bug. */
  public static boolean refused(Throwable e) {
    return e instanceof Refused || e instanceof StoreException s && s.kind() == StoreException.Kind.CONFLICT;
  }

  static final String SUCCESS = "Application updated successfully";

  /** The integration's answer to a received request: success, or the refusal's message. */
  public static JsonObject result(Throwable refusal) {
    return refusal == null ? new JsonObject().put("Message", SUCCESS).put("Success", true)
        : new JsonObject().put("Message", refusal.getMessage()).put("Success", false);
  }

  private final Directory directory;
  private final LeadStore leads;

  public Reassignment(Directory directory, LeadStore leads) {
    this.directory = directory;
    this.leads = leads;
  }

  /** Applies {@code r} in {@code org} for the caller {@code by}. */
  public Future<Void> reassign(String org, String by, Request r) {
    return leads.getLead(org, r.applicationId()).compose(lead -> {
      if (lead == null) {
        throw new Refused("ApplicationId " + r.applicationId() + ": no such application in org " + org);
      }
      List<Future<User>> named = new ArrayList<>();
      named.add(resolve(org, r.primary()));
      r.assignments().forEach(a -> named.add(resolve(org, a)));
      return Future.all(named).compose(v -> leads.agents(org, r.applicationId()).compose(current ->
          currentRoles(org, current).compose(roles -> {
            List<User> users = named.stream().map(Future::result).toList();
            List<Agent> next = plan(users.get(0), users.subList(1, users.size()), current, roles, r.unassignOthers());
            if (sameAgents(current, next)) {
              return Future.<Void>succeededFuture(); // nothing changes: no history entry either
            }
            LeadEvent event = new LeadEvent(Instant.now(), LeadEvent.REASSIGNED, current, next, by);
            return leads.reassign(org, r.applicationId(), lead.version(), next, event).<Void>mapEmpty();
          })));
    });
  }

  private Future<User> resolve(String org, AgentRef ref) {
    Future<User> user = ref.userId() != null ? directory.getUser(org, ref.userId())
        : directory.findUserByEmail(org, ref.email());
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
    List<Future<User>> users = agents.stream().map(a -> directory.getUser(org, a.userId())).toList();
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
}
