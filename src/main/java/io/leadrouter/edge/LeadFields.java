package io.leadrouter.edge;

import io.leadrouter.error.ApiException;
import io.leadrouter.leads.Agent;
import io.leadrouter.leads.GroupToken;
import io.leadrouter.leads.Lead;
import io.leadrouter.leads.LeadEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The seed's lead fields: which a lead source may send (and their types), and the lead's JSON shape. */
public final class LeadFields {

  static final List<String> TEXT = List.of("assistant", "assistant_phone", "avatar", "birthdate", "controller",
      "department", "description", "email", "fax", "firstName", "handle", "languages", "lastName", "leadSource",
      "mailingCity", "mailingCountry", "mailingGeocodeAccuracy", "mailingState", "mailingStreet", "phone",
      "photoUrl", "processor", "title");
  static final List<String> FLAGS = List.of("do_not_call", "email_opt_out", "fax_opt_out", "invalid_lead");
  /** Set by the service, never by the sender. */
  static final Set<String> SERVER = Set.of("id", "owner", "created_at", "created_by", "last_modified_by");
  static final int MAX_TEXT = 2000;

  private LeadFields() {}

  /** The lead's fields from a request body (without {@code current_token}), validated. */
  public static Map<String, Object> parse(JsonObject body) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (String name : body.fieldNames()) {
      Object v = body.getValue(name);
      if (SERVER.contains(name)) {
        throw ApiException.invalid(name + ": set by the service, not by the sender");
      } else if (TEXT.contains(name)) {
        if (v != null && !(v instanceof String)) {
          throw ApiException.invalid(name + ": must be a string");
        }
        String s = (String) v;
        if (s != null && s.length() > MAX_TEXT) {
          throw ApiException.invalid(name + ": longer than " + MAX_TEXT + " characters");
        }
        storable(name, s);
        if (name.equals("email") && s != null && !s.isEmpty() && !isEmail(s)) {
          throw ApiException.invalid("email: '" + s + "' is not an email address");
        }
        if (s != null) {
          fields.put(name, s);
        }
      } else if (FLAGS.contains(name)) {
        if (v != null && !(v instanceof Boolean)) {
          throw ApiException.invalid(name + ": must be true or false");
        }
        if (v != null) {
          fields.put(name, v);
        }
      } else {
        throw ApiException.invalid(name + ": unknown field (not one of the seed's lead fields)");
      }
    }
    return fields;
  }

  /** The loose check of the API: one {@code @}, something either side, no space. */
  public static boolean isEmail(String s) {
    int at = s.indexOf('@');
    return at > 0 && at == s.lastIndexOf('@') && at < s.length() - 1 && !s.contains(" ");
  }

  /**
   * Text Postgres can hold as sent, checked before anything is picked: no NUL (text and jsonb refuse it)
   * and no lone surrogate (it has no UTF-8 form, so it would be stored altered).
   */
  static void storable(String name, String s) {
    if (s == null) {
      return;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) {
        throw ApiException.invalid(name + ": must not contain NUL (\\u0000)");
      }
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw ApiException.invalid(name + ": not valid Unicode (a lone surrogate \\u"
            + Integer.toHexString(c) + " at " + i + ")");
      }
    }
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
