package io.leadrouter.edge;

import io.leadrouter.leads.Agent;
import io.leadrouter.leads.GroupToken;
import io.leadrouter.leads.Lead;
import io.leadrouter.leads.LeadEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The seed's lead fields (their types are the document's {@code CreateLead}) and the lead's JSON shape. */
public final class LeadFields {

  static final List<String> TEXT = List.of("assistant", "assistant_phone", "avatar", "birthdate", "controller",
      "department", "description", "email", "fax", "firstName", "handle", "languages", "lastName", "leadSource",
      "mailingCity", "mailingCountry", "mailingGeocodeAccuracy", "mailingState", "mailingStreet", "phone",
      "photoUrl", "processor", "title");
  static final List<String> FLAGS = List.of("do_not_call", "email_opt_out", "fax_opt_out", "invalid_lead");

  private LeadFields() {}

  /**
   * The lead's fields from a request body (without {@code current_token}) that {@link Contract} checked
   * against {@code CreateLead}: the set ones, in the order sent.
   */
  public static Map<String, Object> parse(JsonObject body) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (String name : body.fieldNames()) {
      Object v = body.getValue(name);
      if (v != null) {
        fields.put(name, v);
      }
    }
    return fields;
  }

  /** The seed's lead shape (every field present, null when unset) plus the assignment. */
  public static JsonObject view(Lead lead) {
    // the seed types id and the text fields as text: a string id, and unset text fields left out
    JsonObject o = new JsonObject().put("id", String.valueOf(lead.id()));
    for (String f : TEXT) {
      if (lead.fields().get(f) != null) {
        o.put(f, lead.fields().get(f));
      }
    }
    for (String f : FLAGS) {
      o.put(f, Boolean.TRUE.equals(lead.fields().get(f)));
    }
    return o.put("owner", lead.owner())
        .put("ownerUserId", lead.ownerUserId())
        .put("created_at", Views.instant(lead.createdAt()))
        .put("created_by", lead.createdBy())
        .put("last_modified_by", lead.lastModifiedBy())
        .put("rotationId", String.valueOf(lead.rotationId()))
        .put("sequence", lead.sequence());
  }

  public static JsonObject agent(Agent a) {
    return new JsonObject().put("userId", a.userId()).put("email", a.email()).put("name", a.name())
        .put("roles", new JsonArray(a.roles())).put("primary", a.primary())
        .put("assignedAt", Views.instant(a.assignedAt()));
  }

  public static JsonArray agents(List<Agent> agents) {
    JsonArray a = new JsonArray();
    agents.forEach(g -> a.add(agent(g)));
    return a;
  }

  public static JsonObject event(LeadEvent e) {
    return new JsonObject().put("at", Views.instant(e.at())).put("kind", e.kind()).put("from", agents(e.from()))
        .put("to", agents(e.to())).put("by", e.by());
  }

  public static JsonObject token(GroupToken t) {
    return new JsonObject().put("id", t.id()).put("rotationId", t.rotationId()).put("name", t.name())
        .put("prefix", t.prefix()).put("createdAt", Views.instant(t.createdAt())).put("createdBy", t.createdBy())
        .put("revoked", t.revoked())
        .put("revokedAt", t.revokedAt() == null ? null : Views.instant(t.revokedAt()))
        .put("revokedBy", t.revokedBy());
  }
}
