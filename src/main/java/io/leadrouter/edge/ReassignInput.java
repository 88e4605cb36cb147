package io.leadrouter.edge;

import io.leadrouter.edge.Reassignment.AgentRef;
import io.leadrouter.edge.Reassignment.Refused;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The seed's reassignment body ({@code ApplicationId}, {@code Assignments}, {@code PrimaryAgent},
 * {@code UnassignAllOtherUsers}) read into a {@link Reassignment.Request}; any other field, or a bad one, is
 * {@link Refused} naming it.
 */
public final class ReassignInput {

  private static final Set<String> FIELDS = Set.of("ApplicationId", "Assignments", "PrimaryAgent",
      "UnassignAllOtherUsers");
  private static final Set<String> REF_FIELDS = Set.of("UserId", "Email");

  private ReassignInput() {}

  public static Reassignment.Request parse(JsonObject body) {
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
    AgentRef primary = ref(body.getValue("PrimaryAgent"), "PrimaryAgent");
    List<AgentRef> refs = new ArrayList<>();
    for (int i = 0; i < assignments.size(); i++) {
      refs.add(ref(assignments.getValue(i), "Assignments[" + i + "]"));
    }
    Object unassignRaw = body.getValue("UnassignAllOtherUsers");
    if (unassignRaw != null && !(unassignRaw instanceof Boolean)) {
      throw new Refused("UnassignAllOtherUsers: must be true or false");
    }
    return new Reassignment.Request(applicationId, primary, refs, Boolean.TRUE.equals(unassignRaw));
  }

  private static void known(JsonObject o, String path, Set<String> fields) {
    for (String name : o.fieldNames()) {
      if (!fields.contains(name)) {
        throw new Refused((path.isEmpty() ? "" : path + ".") + name + ": unknown field");
      }
    }
  }

  private static AgentRef ref(Object value, String path) {
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
        return new AgentRef(userId, mail, path);
      } catch (NumberFormatException e) {
        throw new Refused(path + ".UserId: '" + id + "' is not a user id");
      }
    }
    if (mail != null) {
      return new AgentRef(null, mail, path);
    }
    throw new Refused(path + ": needs UserId or Email");
  }
}
