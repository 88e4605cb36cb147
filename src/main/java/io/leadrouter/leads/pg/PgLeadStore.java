package io.leadrouter.leads.pg;

import static io.leadrouter.leads.pg.LeadRows.agentsJson;
import static io.leadrouter.leads.pg.LeadRows.idempotency;
import static io.leadrouter.leads.pg.LeadRows.lead;
import static io.leadrouter.leads.pg.LeadRows.token;
import static io.leadrouter.leads.pg.LeadSql.*;
import static io.leadrouter.store.pg.PgClient.time;

import io.leadrouter.leads.Agent;
import io.leadrouter.leads.GroupToken;
import io.leadrouter.leads.Idempotency;
import io.leadrouter.leads.Lead;
import io.leadrouter.leads.LeadEvent;
import io.leadrouter.leads.LeadFilter;
import io.leadrouter.leads.LeadStore;
import io.leadrouter.leads.RecordedPick;
import io.leadrouter.store.Page;
import io.leadrouter.store.StoreException;
import io.leadrouter.store.pg.PgClient;
import io.leadrouter.store.pg.PgErrors;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Postgres implementation of {@link LeadStore} on the store's database ({@link PgClient}: its pool, its bound
 * of a call, its one translation of failures); every write is one transaction. SQL in {@link LeadSql}.
 */
public final class PgLeadStore implements LeadStore {

  private final PgClient pg;
  private final Pool pool;

  public PgLeadStore(PgClient pg) {
    this.pg = pg;
    this.pool = pg.pool();
  }

  private <T> Future<T> call(Supplier<Future<T>> op) {
    return pg.call(op);
  }

  private Future<RowSet<Row>> run(SqlClient client, String sql, Tuple args) {
    return pg.run(client, sql, args);
  }

  private Instant now() {
    return pg.now();
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
        }))).recover(e -> Future.failedFuture(PgErrors.dataError(e, "the lead")));
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
        .map(rows -> rows.size() == 0 ? List.<Agent>of()
            : LeadRows.agents((JsonArray) rows.iterator().next().getValue(0))));
  }

  @Override
  public Future<List<LeadEvent>> history(String accountId, long leadId) {
    return call(() -> run(pool, HISTORY, Tuple.of(accountId, leadId)).map(rows -> {
      List<LeadEvent> out = new ArrayList<>();
      rows.forEach(r -> out.add(new LeadEvent(r.getOffsetDateTime("at").toInstant(), r.getString("kind"),
          LeadRows.agents((JsonArray) r.getValue("from_agents")),
          LeadRows.agents((JsonArray) r.getValue("to_agents")), r.getString("by_caller"))));
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
}
