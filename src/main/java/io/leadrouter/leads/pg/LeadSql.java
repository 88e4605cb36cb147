package io.leadrouter.leads.pg;

/**
 * Every SQL statement of {@link PgLeadStore}, in one place: ingest tokens, leads with their agents and
 * history, Idempotency-Keys, and their retention.
 */
final class LeadSql {

  private LeadSql() {}

  private static final String TOKEN_COLUMNS =
      "id, account_id, rotation_id, name, prefix, created_at, created_by, revoked_at, revoked_by";
  private static final String LEAD_COLUMNS = "id, account_id, rotation_id, sequence, owner_user_id, owner, fields, "
      + "created_at, created_by, updated_at, last_modified_by, version";

  /**
   * As {@link #LEAD_COLUMNS}, with the owner's current email from the directory (the email it had when assigned
   * once it left the directory): a renamed user shows as its new self on every lead it owns.
   */
  private static final String LEAD_READ_COLUMNS = LEAD_COLUMNS.replace(" owner,", " COALESCE((SELECT u.email"
      + " FROM app_user u WHERE u.id = lead.owner_user_id AND u.account_id = lead.account_id), lead.owner) AS owner,");

  static final String INSERT_TOKEN = "INSERT INTO group_token (account_id, rotation_id, name, token_hash, "
      + "prefix, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + TOKEN_COLUMNS;
  static final String LIST_TOKENS = "SELECT " + TOKEN_COLUMNS
      + " FROM group_token WHERE account_id = $1 AND rotation_id = $2 ORDER BY id";
  static final String REVOKE_TOKEN = "UPDATE group_token SET revoked_at = coalesce(revoked_at, $4), "
      + "revoked_by = coalesce(revoked_by, $5) WHERE account_id = $1 AND rotation_id = $2 AND id = $3";
  static final String FIND_TOKEN = "SELECT " + TOKEN_COLUMNS + " FROM group_token WHERE token_hash = $1";
  static final String INSERT_LEAD = "INSERT INTO lead (account_id, rotation_id, sequence, owner_user_id, "
      + "owner, fields, agents, created_at, created_by, updated_at, last_modified_by) "
      + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $10) ON CONFLICT (rotation_id, sequence) DO NOTHING "
      + "RETURNING id";
  static final String LEAD_OF_PICK = "SELECT " + LEAD_READ_COLUMNS + " FROM lead WHERE rotation_id = $1 "
      + "AND sequence = $2";
  static final String INSERT_EVENT = "INSERT INTO lead_event (lead_id, at, kind, from_agents, to_agents, "
      + "by_caller) VALUES ($1, $2, $3, $4, $5, $6)";
  static final String GET_LEAD = "SELECT " + LEAD_READ_COLUMNS + " FROM lead WHERE account_id = $1 AND id = $2";
  private static final String LIST_LEADS_WHERE = " FROM lead WHERE account_id = $1 "
      + "AND ($2::bigint IS NULL OR owner_user_id = $2) AND ($3::bigint IS NULL OR rotation_id = $3) "
      + "AND ($4::timestamptz IS NULL OR created_at >= $4) AND ($5::timestamptz IS NULL OR created_at < $5)";
  static final String LIST_LEADS = "SELECT " + LEAD_READ_COLUMNS + LIST_LEADS_WHERE
      + " ORDER BY id DESC LIMIT $6 OFFSET $7";
  static final String COUNT_LEADS = "SELECT count(*)" + LIST_LEADS_WHERE;
  static final String AGENTS = "SELECT agents FROM lead WHERE account_id = $1 AND id = $2";
  static final String HISTORY = "SELECT e.at, e.kind, e.from_agents, e.to_agents, e.by_caller "
      + "FROM lead_event e JOIN lead l ON l.id = e.lead_id WHERE l.account_id = $1 AND e.lead_id = $2 ORDER BY e.seq";
  static final String REASSIGN = "UPDATE lead SET agents = $4, owner_user_id = $5, owner = $6, "
      + "updated_at = $7, last_modified_by = $8, version = version + 1 "
      + "WHERE account_id = $1 AND id = $2 AND version = $3 RETURNING " + LEAD_COLUMNS;
  /** Leases are measured by the database's clock, the one clock every node shares. */
  private static final String LEASE_END = "clock_timestamp() + $%d::int * interval '1 millisecond'";
  private static final String KEY = "account_id = $1 AND scope = $2 AND key = $3";
  private static final String KEY_COLUMNS = "request_hash, status, body, claim_token, "
      + "(status IS NOT NULL OR lease_until IS NULL OR lease_until < clock_timestamp()) AS free, pick";
  // new, expired (starts afresh) or free with the same request (taken over, keeping its pick); else the row
  // is left alone and RETURNING gives nothing
  static final String CLAIM = "INSERT INTO idempotency_key AS k (account_id, scope, key, request_hash, "
      + "created_at, node, claim_token, lease_until) VALUES ($1, $2, $3, $4, $6, $7, $8, " + LEASE_END.formatted(9)
      + ") ON CONFLICT (account_id, scope, key) DO UPDATE SET request_hash = excluded.request_hash, status = NULL, "
      + "body = NULL, pick = CASE WHEN k.created_at < $5 THEN NULL ELSE k.pick END, "
      + "created_at = CASE WHEN k.created_at < $5 THEN excluded.created_at ELSE k.created_at END, "
      + "node = excluded.node, claim_token = excluded.claim_token, lease_until = excluded.lease_until "
      + "WHERE k.created_at < $5 OR (k.status IS NULL AND k.request_hash = excluded.request_hash "
      + "AND (k.lease_until IS NULL OR k.lease_until < clock_timestamp())) RETURNING " + KEY_COLUMNS;
  static final String LOOKUP = "SELECT " + KEY_COLUMNS + " FROM idempotency_key WHERE " + KEY;
  private static final String HELD = KEY + " AND claim_token = $4 AND status IS NULL";
  static final String RENEW = "UPDATE idempotency_key SET lease_until = " + LEASE_END.formatted(5)
      + " WHERE " + HELD;
  static final String RECORD_PICK = "UPDATE idempotency_key SET pick = $5 WHERE " + HELD;
  static final String COMPLETE = "UPDATE idempotency_key SET status = $5, body = $6, node = NULL, "
      + "claim_token = NULL, lease_until = NULL WHERE " + HELD;
  // a key with a recorded pick stays, free, for the retry to finish with it; one without is dropped
  static final String RELEASE = "WITH kept AS (UPDATE idempotency_key SET node = NULL, claim_token = NULL, "
      + "lease_until = NULL WHERE " + HELD + " AND pick IS NOT NULL RETURNING 1) "
      + "DELETE FROM idempotency_key WHERE " + HELD + " AND pick IS NULL";
  static final String ABANDON = "UPDATE idempotency_key SET node = NULL, claim_token = NULL, "
      + "lease_until = NULL WHERE node = $1 AND status IS NULL";
  // bounded batches; SKIP LOCKED so that nodes purging at the same time do not wait for each other
  static final String PURGE_KEYS = "DELETE FROM idempotency_key WHERE ctid = ANY(ARRAY(SELECT ctid "
      + "FROM idempotency_key WHERE created_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED))";
  static final String PURGE_EVENTS = "DELETE FROM lead_event WHERE ctid = ANY(ARRAY(SELECT ctid "
      + "FROM lead_event WHERE at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED))";
}
