package io.leadrouter.edge;

import io.leadrouter.edge.Reassignment.AgentRef;
import io.leadrouter.edge.Reassignment.Refused;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed's reassignment body ({@code ApplicationId}, {@code Assignments}, {@code PrimaryAgent},
 * {@code UnassignAllOtherUsers}), checked against the document's {@code Reassign} schema by {@link Contract},
 * read into a {@link Reassignment.Request}. Left here: ids, sent as numbers or numeric strings, must fit a long.
 */
public final class ReassignInput {

  /** The operation whose request-body schema a reassignment body must match, on every edge. */
  public static final String OPERATION = "reassignApplication";

  private ReassignInput() {}

  /** Checks {@code body} against the schema ({@code prefix} names it in messages), then reads it. */
  public static Reassignment.Request parse(Contract contract, JsonObject body, String prefix) {
    try {
      contract.check(OPERATION, body, prefix);
    } catch (Refused e) {
      throw e;
    } catch (RuntimeException e) {
      throw new Refused(e.getMessage());
    }
    return parse(body);
  }

  /** Reads a body the schema accepted. */
  public static Reassignment.Request parse(JsonObject body) {
    long applicationId = id(body.getValue("ApplicationId"), "ApplicationId");
    JsonArray assignments = body.getJsonArray("Assignments", new JsonArray());
    AgentRef primary = ref(body.getJsonObject("PrimaryAgent"), "PrimaryAgent");
    List<AgentRef> refs = new ArrayList<>();
    for (int i = 0; i < assignments.size(); i++) {
      refs.add(ref(assignments.getJsonObject(i), "Assignments[" + i + "]"));
    }
    return new Reassignment.Request(applicationId, primary, refs, body.getBoolean("UnassignAllOtherUsers", false));
  }

  private static AgentRef ref(JsonObject o, String path) {
    String email = o.getString("Email") == null ? null : o.getString("Email").trim();
    Object id = o.getValue("UserId");
    return new AgentRef(id == null ? null : id(id, path + ".UserId"), email, path);
  }

  private static long id(Object v, String path) {
    try {
      if (v instanceof Number n) {
        if (n.doubleValue() != n.longValue() || n instanceof java.math.BigInteger) {
          throw new NumberFormatException();
        }
        return n.longValue();
      }
      return Long.parseLong(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      throw new Refused(path + ": '" + v + "' is not an id");
    }
  }
}
