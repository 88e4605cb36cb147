package io.leadrouter.store.pg;

import io.leadrouter.leads.Agent;
import io.leadrouter.leads.GroupToken;
import io.leadrouter.leads.Idempotency;
import io.leadrouter.leads.RecordedPick;
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
import io.vertx.pgclient.PgException;
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
      + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $10) ON CONFLICT (rotation_id, sequence) DO NOTHING "
      + "RETURNING id";
  private static final String LEAD_OF_PICK = "SELECT " + LEAD_COLUMNS + " FROM lead WHERE rotation_id = $1 "
      + "AND sequence = $2";
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
  /** Leases are measured by the database's clock, the one clock every node shares. */
  private static final String LEASE_END = "clock_timestamp() + $%d::int * interval '1 millisecond'";
  private static final String KEY = "account_id = $1 AND scope = $2 AND key = $3";
  private static final String KEY_COLUMNS = "request_hash, status, body, claim_token, "
      + "(status IS NOT NULL OR lease_until IS NULL OR lease_until < clock_timestamp()) AS free, pick";
  // new, expired (starts afresh) or free with the same request (taken over, keeping its pick); else the row
  // is left alone and RETURNING gives nothing
  private static final String CLAIM = "INSERT INTO idempotency_key AS k (account_id, scope, key, request_hash, "
      + "created_at, node, claim_token, lease_until) VALUES ($1, $2, $3, $4, $6, $7, $8, " + LEASE_END.formatted(9)
      + ") ON CONFLICT (account_id, scope, key) DO UPDATE SET request_hash = excluded.request_hash, status = NULL, "
      + "body = NULL, pick = CASE WHEN k.created_at < $5 THEN NULL ELSE k.pick END, "
      + "created_at = CASE WHEN k.created_at < $5 THEN excluded.created_at ELSE k.created_at END, "
      + "node = excluded.node, claim_token = excluded.claim_token, lease_until = excluded.lease_until "
      + "WHERE k.created_at < $5 OR (k.status IS NULL AND k.request_hash = excluded.request_hash "
      + "AND (k.lease_until IS NULL OR k.lease_until < clock_timestamp())) RETURNING " + KEY_COLUMNS;
  private static final String LOOKUP = "SELECT " + KEY_COLUMNS + " FROM idempotency_key WHERE " + KEY;
  private static final String HELD = KEY + " AND claim_token = $4 AND status IS NULL";
  private static final String RENEW = "UPDATE idempotency_key SET lease_until = " + LEASE_END.formatted(5)
      + " WHERE " + HELD;
  private static final String RECORD_PICK = "UPDATE idempotency_key SET pick = $5 WHERE " + HELD;
  private static final String COMPLETE = "UPDATE idempotency_key SET status = $5, body = $6, node = NULL, "
      + "claim_token = NULL, lease_until = NULL WHERE " + HELD;
  // a key with a recorded pick stays, free, for the retry to finish with it; one without is dropped
  private static final String RELEASE = "WITH kept AS (UPDATE idempotency_key SET node = NULL, claim_token = NULL, "
      + "lease_until = NULL WHERE " + HELD + " AND pick IS NOT NULL RETURNING 1) "
      + "DELETE FROM idempotency_key WHERE " + HELD + " AND pick IS NULL";
  private static final String ABANDON = "UPDATE idempotency_key SET node = NULL, claim_token = NULL, "
      + "lease_until = NULL WHERE node = $1 AND status IS NULL";
  // bounded batches; SKIP LOCKED so that nodes purging at the same time do not wait for each other
  private static final String PURGE_KEYS = "DELETE FROM idempotency_key WHERE ctid = ANY(ARRAY(SELECT ctid "
      + "FROM idempotency_key WHERE created_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED))";
  private static final String PURGE_EVENTS = "DELETE FROM lead_event WHERE ctid = ANY(ARRAY(SELECT ctid "
      + "FROM lead_event WHERE at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED))";

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
          if (rows.size() == 0) {
            // this pick's lead is stored already: a retry of a request that stored it but did not answer
            return run(conn, LEAD_OF_PICK, Tuple.of(lead.rotationId(), lead.sequence()))
                .map(existing -> lead(existing.iterator().next()));
          }
          long id = rows.iterator().next().getLong(0);
          return run(conn, INSERT_EVENT, Tuple.from(new Object[] {id, time(lead.createdAt()), LeadEvent.ASSIGNED,
                  new JsonArray(), agents, by}))
              .map(v -> new Lead(id, lead.accountId(), lead.rotationId(), lead.sequence(), lead.ownerUserId(),
                  lead.owner(), lead.fields(), lead.createdAt(), lead.createdBy(), lead.createdAt(),
                  lead.lastModifiedBy(), 1));
        }))).recover(PgLeadStore::dataError);
  }

  /**
   * A data exception (SQLSTATE class 22: a value the column cannot take) comes from the input and would
   * fail every retry alike: INVALID (400), not a store failure worth retrying.
   */
  private static <T> Future<T> dataError(Throwable e) {
    if (e instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")) {
      return Future.failedFuture(new StoreException(StoreException.Kind.INVALID,
          "the store refused a value of the lead: " + pg.getErrorMessage() + " (" + pg.getSqlState() + ")", e));
    }
    return Future.failedFuture(e);
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
      Instant expiredBefore, String node, String token, Duration lease) {
    return call(() -> run(pool, CLAIM, Tuple.from(new Object[] {accountId, scope, key, requestHash,
            time(expiredBefore), time(now()), node, token, (int) lease.toMillis()}))
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture(idempotency(rows.iterator().next()))
            : lookup(accountId, scope, key)))
        // the key was dropped between the two statements (released or purged): claim it again
        .compose(k -> k != null ? Future.succeededFuture(k)
            : claim(accountId, scope, key, requestHash, expiredBefore, node, token, lease));
  }

  @Override
  public Future<Void> renew(String accountId, String scope, String key, String token, Duration lease) {
    return call(() -> run(pool, RENEW, Tuple.of(accountId, scope, key, token, (int) lease.toMillis())).mapEmpty());
  }

  @Override
  public Future<Boolean> recordPick(String accountId, String scope, String key, String token, RecordedPick pick) {
    JsonObject json = new JsonObject().put("rotationId", pick.rotationId()).put("sequence", pick.sequence())
        .put("userId", pick.userId()).put("email", pick.email()).put("name", pick.name())
        .put("at", pick.at().toString());
    return call(() -> run(pool, RECORD_PICK, Tuple.of(accountId, scope, key, token, json))
        .map(rows -> rows.rowCount() > 0));
  }

  @Override
  public Future<Boolean> complete(String accountId, String scope, String key, String token, int status, String body) {
    return call(() -> run(pool, COMPLETE, Tuple.of(accountId, scope, key, token, status, body))
        .map(rows -> rows.rowCount() > 0));
  }

  @Override
  public Future<Void> release(String accountId, String scope, String key, String token) {
    return call(() -> run(pool, RELEASE, Tuple.of(accountId, scope, key, token)).mapEmpty());
  }

  @Override
  public Future<Idempotency> lookup(String accountId, String scope, String key) {
    return call(() -> run(pool, LOOKUP, Tuple.of(accountId, scope, key))
        .map(rows -> rows.size() == 0 ? null : idempotency(rows.iterator().next())));
  }

  @Override
  public Future<Integer> abandonClaims(String node) {
    return call(() -> run(pool, ABANDON, Tuple.of(node)).map(RowSet::rowCount));
  }

  @Override
  public Future<Integer> purgeKeys(Instant before, int limit) {
    return call(() -> run(pool, PURGE_KEYS, Tuple.of(time(before), limit)).map(RowSet::rowCount));
  }

  @Override
  public Future<Integer> purgeEvents(Instant before, int limit) {
    return call(() -> run(pool, PURGE_EVENTS, Tuple.of(time(before), limit)).map(RowSet::rowCount));
  }

  private static Idempotency idempotency(Row r) {
    JsonObject p = (JsonObject) r.getValue("pick");
    RecordedPick pick = p == null ? null : new RecordedPick(p.getLong("rotationId"), p.getLong("sequence"),
        p.getLong("userId"), p.getString("email"), p.getString("name"), Instant.parse(p.getString("at")));
    return new Idempotency(r.getString("request_hash"), r.getInteger("status"), r.getString("body"),
        r.getString("claim_token"), r.getBoolean("free"), pick);
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
