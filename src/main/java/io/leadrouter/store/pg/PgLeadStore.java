package io.leadrouter.store.pg;

import io.leadrouter.leads.Agent;
import io.leadrouter.leads.GroupToken;
import io.leadrouter.leads.Idempotency;
import io.leadrouter.leads.Lead;
import io.leadrouter.leads.LeadEvent;
import io.leadrouter.leads.LeadFilter;
import io.leadrouter.leads.LeadStore;
import io.leadrouter.store.Page;
import io.leadrouter.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Postgres implementation of {@link LeadStore} on the store's pool; every write is one transaction. */
public final class PgLeadStore implements LeadStore {

  private static final String TOKEN_COLUMNS =
      "id, account_id, rotation_id, name, prefix, created_at, created_by, revoked_at, revoked_by";
  private static final String LEAD_COLUMNS = "id, account_id, rotation_id, sequence, owner_user_id, owner, fields, "
      + "created_at, created_by, updated_at, last_modified_by, version";

  private static final String INSERT_TOKEN = "INSERT INTO group_token (account_id, rotation_id, name, token_hash, "
      + "prefix, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + TOKEN_COLUMNS;
  private static final String LIST_TOKENS = "SELECT " + TOKEN_COLUMNS
      + " FROM group_token WHERE account_id = $1 AND rotation_id = $2 ORDER BY id";
  private static final String REVOKE_TOKEN = "UPDATE group_token SET revoked_at = coalesce(revoked_at, $4), "
      + "revoked_by = coalesce(revoked_by, $5) WHERE account_id = $1 AND rotation_id = $2 AND id = $3";
  private static final String FIND_TOKEN = "SELECT " + TOKEN_COLUMNS + " FROM group_token WHERE token_hash = $1";
  private static final String INSERT_LEAD = "INSERT INTO lead (account_id, rotation_id, sequence, owner_user_id, "
      + "owner, fields, agents, created_at, created_by, updated_at, last_modified_by) "
      + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $10) RETURNING id";
  private static final String INSERT_EVENT = "INSERT INTO lead_event (lead_id, at, kind, from_agents, to_agents, "
      + "by_caller) VALUES ($1, $2, $3, $4, $5, $6)";
  private static final String GET_LEAD = "SELECT " + LEAD_COLUMNS + " FROM lead WHERE account_id = $1 AND id = $2";
  private static final String LIST_LEADS_WHERE = " FROM lead WHERE account_id = $1 "
      + "AND ($2::bigint IS NULL OR owner_user_id = $2) AND ($3::bigint IS NULL OR rotation_id = $3) "
      + "AND ($4::timestamptz IS NULL OR created_at >= $4) AND ($5::timestamptz IS NULL OR created_at < $5)";
  private static final String LIST_LEADS = "SELECT " + LEAD_COLUMNS + LIST_LEADS_WHERE
      + " ORDER BY id DESC LIMIT $6 OFFSET $7";
  private static final String COUNT_LEADS = "SELECT count(*)" + LIST_LEADS_WHERE;
  private static final String AGENTS = "SELECT agents FROM lead WHERE account_id = $1 AND id = $2";
  private static final String HISTORY = "SELECT e.at, e.kind, e.from_agents, e.to_agents, e.by_caller "
      + "FROM lead_event e JOIN lead l ON l.id = e.lead_id WHERE l.account_id = $1 AND e.lead_id = $2 ORDER BY e.seq";
  private static final String REASSIGN = "UPDATE lead SET agents = $4, owner_user_id = $5, owner = $6, "
      + "updated_at = $7, last_modified_by = $8, version = version + 1 "
      + "WHERE account_id = $1 AND id = $2 AND version = $3 RETURNING " + LEAD_COLUMNS;
  private static final String CLAIM = "WITH gone AS (DELETE FROM idempotency_key WHERE account_id = $1 AND scope = $2 "
      + "AND key = $3 AND created_at < $5) "
      + "INSERT INTO idempotency_key (account_id, scope, key, request_hash, created_at) VALUES ($1, $2, $3, $4, $6) "
      + "ON CONFLICT (account_id, scope, key) DO NOTHING RETURNING key";
  private static final String LOOKUP = "SELECT request_hash, status, body FROM idempotency_key "
      + "WHERE account_id = $1 AND scope = $2 AND key = $3";
  private static final String COMPLETE = "UPDATE idempotency_key SET status = $4, body = $5 "
      + "WHERE account_id = $1 AND scope = $2 AND key = $3";
  private static final String RELEASE = "DELETE FROM idempotency_key WHERE account_id = $1 AND scope = $2 AND key = $3";

  private final Pool pool;
  private final Clock clock;
  private final Duration timeout;

  public PgLeadStore(Pool pool, Clock clock, Duration timeout) {
    this.pool = pool;
    this.clock = clock;
    this.timeout = timeout;
  }

  private <T> Future<T> call(Supplier<Future<T>> op) {
    return PgStore.call(timeout, op);
  }

  private static Future<RowSet<Row>> run(SqlClient client, String sql, Tuple args) {
    return client.preparedQuery(sql).execute(args);
  }

  // ---- tokens -----------------------------------------------------------------------------------------

  @Override
  public Future<GroupToken> createToken(String accountId, long rotationId, String name, byte[] hash, String prefix,
      String actor) {
    return call(() -> run(pool, INSERT_TOKEN, Tuple.of(accountId, rotationId, name, Buffer.buffer(hash), prefix,
        time(now()), actor)).map(rows -> token(rows.iterator().next())));
  }

  @Override
  public Future<List<GroupToken>> listTokens(String accountId, long rotationId) {
    return call(() -> run(pool, LIST_TOKENS, Tuple.of(accountId, rotationId)).map(rows -> {
      List<GroupToken> out = new ArrayList<>();
      rows.forEach(r -> out.add(token(r)));
      return out;
    }));
  }

  @Override
  public Future<Boolean> revokeToken(String accountId, long rotationId, long tokenId, String actor) {
    return call(() -> run(pool, REVOKE_TOKEN, Tuple.of(accountId, rotationId, tokenId, time(now()), actor))
        .map(rows -> rows.rowCount() > 0));
  }

  @Override
  public Future<GroupToken> findToken(byte[] hash) {
    return call(() -> run(pool, FIND_TOKEN, Tuple.of(Buffer.buffer(hash)))
        .map(rows -> rows.size() == 0 ? null : token(rows.iterator().next())));
  }

  // ---- leads ------------------------------------------------------------------------------------------

  @Override
  public Future<Lead> createLead(Lead lead, Agent owner, String by) {
    JsonArray agents = agentsJson(List.of(owner));
    return call(() -> pool.withTransaction(conn -> run(conn, INSERT_LEAD, Tuple.from(new Object[] {
            lead.accountId(), lead.rotationId(), lead.sequence(), lead.ownerUserId(), lead.owner(),
            new JsonObject(lead.fields()), agents, time(lead.createdAt()), lead.createdBy(), lead.lastModifiedBy()}))
        .compose(rows -> {
          long id = rows.iterator().next().getLong(0);
          return run(conn, INSERT_EVENT, Tuple.from(new Object[] {id, time(lead.createdAt()), LeadEvent.ASSIGNED,
                  new JsonArray(), agents, by}))
              .map(v -> new Lead(id, lead.accountId(), lead.rotationId(), lead.sequence(), lead.ownerUserId(),
                  lead.owner(), lead.fields(), lead.createdAt(), lead.createdBy(), lead.createdAt(),
                  lead.lastModifiedBy(), 1));
        })));
  }

  @Override
  public Future<Lead> getLead(String accountId, long id) {
    return call(() -> run(pool, GET_LEAD, Tuple.of(accountId, id))
        .map(rows -> rows.size() == 0 ? null : lead(rows.iterator().next())));
  }

  @Override
  public Future<Page<Lead>> listLeads(String accountId, LeadFilter f) {
    Object[] where = {accountId, f.ownerUserId(), f.rotationId(), time(f.from()), time(f.to())};
    return call(() -> {
      Future<RowSet<Row>> rows = run(pool, LIST_LEADS, Tuple.from(new Object[] {where[0], where[1], where[2],
          where[3], where[4], f.limit(), f.offset()}));
      Future<RowSet<Row>> count = run(pool, COUNT_LEADS, Tuple.from(where));
      return Future.all(rows, count).map(v -> {
        List<Lead> items = new ArrayList<>();
        rows.result().forEach(r -> items.add(lead(r)));
        return new Page<>(items, count.result().iterator().next().getLong(0), f.limit(), f.offset());
      });
    });
  }

  @Override
  public Future<List<Agent>> agents(String accountId, long leadId) {
    return call(() -> run(pool, AGENTS, Tuple.of(accountId, leadId))
        .map(rows -> rows.size() == 0 ? List.<Agent>of() : agents((JsonArray) rows.iterator().next().getValue(0))));
  }

  @Override
  public Future<List<LeadEvent>> history(String accountId, long leadId) {
    return call(() -> run(pool, HISTORY, Tuple.of(accountId, leadId)).map(rows -> {
      List<LeadEvent> out = new ArrayList<>();
      rows.forEach(r -> out.add(new LeadEvent(r.getOffsetDateTime("at").toInstant(), r.getString("kind"),
          agents((JsonArray) r.getValue("from_agents")), agents((JsonArray) r.getValue("to_agents")),
          r.getString("by_caller"))));
      return out;
    }));
  }

  @Override
  public Future<Lead> reassign(String accountId, long leadId, long expectedVersion, List<Agent> agents,
      LeadEvent event) {
    Agent primary = agents.stream().filter(Agent::primary).findFirst().orElseThrow();
    return call(() -> pool.withTransaction(conn -> run(conn, REASSIGN, Tuple.from(new Object[] {accountId, leadId,
            expectedVersion, agentsJson(agents), primary.userId(), primary.email(), time(event.at()), event.by()}))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new StoreException(StoreException.Kind.CONFLICT,
                "the application changed while it was being reassigned; retry"));
          }
          Lead updated = lead(rows.iterator().next());
          return run(conn, INSERT_EVENT, Tuple.from(new Object[] {leadId, time(event.at()), event.kind(),
              agentsJson(event.from()), agentsJson(event.to()), event.by()})).map(v -> updated);
        })));
  }

  // ---- idempotency ------------------------------------------------------------------------------------

  @Override
  public Future<Idempotency> claim(String accountId, String scope, String key, String requestHash,
      Instant expiredBefore) {
    return call(() -> run(pool, CLAIM, Tuple.from(new Object[] {accountId, scope, key, requestHash,
            time(expiredBefore), time(now())}))
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture((Idempotency) null)
            : lookup(accountId, scope, key)));
  }

  @Override
  public Future<Void> complete(String accountId, String scope, String key, int status, String body) {
    return call(() -> run(pool, COMPLETE, Tuple.of(accountId, scope, key, status, body)).mapEmpty());
  }

  @Override
  public Future<Void> release(String accountId, String scope, String key) {
    return call(() -> run(pool, RELEASE, Tuple.of(accountId, scope, key)).mapEmpty());
  }

  @Override
  public Future<Idempotency> lookup(String accountId, String scope, String key) {
    return call(() -> run(pool, LOOKUP, Tuple.of(accountId, scope, key)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      return new Idempotency(r.getString("request_hash"), r.getInteger("status"), r.getString("body"));
    }));
  }

  // ---- rows -------------------------------------------------------------------------------------------

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private static OffsetDateTime time(Instant instant) {
    return PgStore.time(instant);
  }

  private static Instant instant(Row row, String column) {
    return PgStore.instant(row, column);
  }

  private static GroupToken token(Row r) {
    return new GroupToken(r.getLong("id"), r.getString("account_id"), r.getLong("rotation_id"), r.getString("name"),
        r.getString("prefix"), instant(r, "created_at"), r.getString("created_by"), instant(r, "revoked_at"),
        r.getString("revoked_by"));
  }

  private static Lead lead(Row r) {
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
