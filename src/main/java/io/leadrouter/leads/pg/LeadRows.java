package io.leadrouter.leads.pg;

import static io.leadrouter.store.pg.PgClient.instant;

import io.leadrouter.leads.Agent;
import io.leadrouter.leads.GroupToken;
import io.leadrouter.leads.Idempotency;
import io.leadrouter.leads.Lead;
import io.leadrouter.leads.RecordedPick;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Rows of {@link LeadSql}'s queries as the leads' records, and agents to and from their JSON column. */
final class LeadRows {

  private LeadRows() {}

  static Idempotency idempotency(Row r) {
    JsonObject p = (JsonObject) r.getValue("pick");
    RecordedPick pick = p == null ? null : new RecordedPick(p.getLong("rotationId"), p.getLong("sequence"),
        p.getLong("userId"), p.getString("email"), p.getString("name"), Instant.parse(p.getString("at")));
    return new Idempotency(r.getString("request_hash"), r.getInteger("status"), r.getString("body"),
        r.getString("claim_token"), r.getBoolean("free"), pick);
  }

  static GroupToken token(Row r) {
    return new GroupToken(r.getLong("id"), r.getString("account_id"), r.getLong("rotation_id"), r.getString("name"),
        r.getString("prefix"), instant(r, "created_at"), r.getString("created_by"), instant(r, "revoked_at"),
        r.getString("revoked_by"));
  }

  static Lead lead(Row r) {
    return new Lead(r.getLong("id"), r.getString("account_id"), r.getLong("rotation_id"), r.getLong("sequence"),
        r.getLong("owner_user_id"), r.getString("owner"), ((JsonObject) r.getValue("fields")).getMap(),
        instant(r, "created_at"), r.getString("created_by"), instant(r, "updated_at"),
        r.getString("last_modified_by"), r.getLong("version"));
  }

  static JsonArray agentsJson(List<Agent> agents) {
    JsonArray a = new JsonArray();
    for (Agent g : agents) {
      a.add(new JsonObject().put("userId", g.userId()).put("email", g.email()).put("name", g.name())
          .put("roles", new JsonArray(g.roles())).put("primary", g.primary())
          .put("assignedAt", g.assignedAt().toString()));
    }
    return a;
  }

  @SuppressWarnings("unchecked")
  static List<Agent> agents(JsonArray a) {
    List<Agent> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      JsonObject o = a.getJsonObject(i);
      out.add(new Agent(o.getLong("userId"), o.getString("email"), o.getString("name"),
          o.getJsonArray("roles").getList(), o.getBoolean("primary"), Instant.parse(o.getString("assignedAt"))));
    }
    return out;
  }
}
