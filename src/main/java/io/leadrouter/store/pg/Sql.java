package io.leadrouter.store.pg;

/**
 * Every SQL statement of the store's Postgres adapters ({@link PgStore}), in one place (the leads' are in
 * {@code leads.pg.LeadSql}). Lists go in as arrays and come apart with {@code unnest} so that one statement
 * carries any number of rows (no parameter-count limit, one plan). Member lists are ordered by {@code ord},
 * their index in the list.
 */
final class Sql {

  private Sql() {}

  // ---- rotations --------------------------------------------------------------------------------------

  private static final String ROTATION_COLUMNS = "r.id, r.account_id, r.name, r.status, r.team_id, r.position,"
      + " r.sequence, r.sequence_ceiling, r.created_at, r.updated_at, r.created_by, r.updated_by,"
      + " r.time_zone, r.catch_up, r.fallback_rotation_id, r.fallback_user_id, r.follows_team, r.ledger::text AS ledger,"
      + " m.user_ids, m.emails, m.names, m.weights, m.pauseds, m.cap_hours, m.cap_days, m.cap_weeks";

  // an aggregate without GROUP BY yields one row, so the lateral join keeps rotations without members
  private static final String ROTATION_MEMBERS = " LEFT JOIN LATERAL (SELECT array_agg(user_id ORDER BY ord) AS user_ids,"
      + " array_agg(email ORDER BY ord) AS emails, array_agg(name ORDER BY ord) AS names,"
      + " array_agg(weight ORDER BY ord) AS weights, array_agg(paused ORDER BY ord) AS pauseds,"
      + " array_agg(cap_hour ORDER BY ord) AS cap_hours, array_agg(cap_day ORDER BY ord) AS cap_days,"
      + " array_agg(cap_week ORDER BY ord) AS cap_weeks FROM rotation_member WHERE rotation_id = r.id) m ON true";

  static final String LOAD_ROTATION = "SELECT " + ROTATION_COLUMNS + " FROM rotation r" + ROTATION_MEMBERS
      + " WHERE r.id = $1";

  static final String INSERT_ROTATION = "INSERT INTO rotation (account_id, name, status, team_id, created_at,"
      + " updated_at, created_by, updated_by, time_zone, catch_up, fallback_rotation_id, fallback_user_id,"
      + " follows_team) VALUES ($1, $2, $3, $4, $5, $5, $6, $6, $7, $8, $9, $10, $11) RETURNING id";

  static final String INSERT_ROTATION_MEMBERS = "INSERT INTO rotation_member (rotation_id, ord, user_id, email, name,"
      + " weight, paused, cap_hour, cap_day, cap_week)"
      + " SELECT $1, m.ord - 1, m.user_id, m.email, m.name, m.weight, m.paused, m.cap_hour, m.cap_day, m.cap_week"
      + " FROM unnest($2::bigint[], $3::text[], $4::text[], $5::int[], $6::boolean[], $7::int[], $8::int[], $9::int[])"
      + " WITH ORDINALITY AS m(user_id, email, name, weight, paused, cap_hour, cap_day, cap_week, ord)";

  static final String DELETE_ROTATION_MEMBERS = "DELETE FROM rotation_member WHERE rotation_id = $1";

  static final String UPDATE_ROTATION = "UPDATE rotation SET name = $2, status = $3, team_id = $4, position = $5,"
      + " sequence = $6, created_at = $7, updated_at = $8, created_by = $9, updated_by = $10, time_zone = $11,"
      + " catch_up = $12, fallback_rotation_id = $13, fallback_user_id = $14, follows_team = $15,"
      + " ledger = $16::text::jsonb WHERE id = $1";

  static final String DELETE_ROTATION = "DELETE FROM rotation WHERE id = $1";

  /** $1 account, then $2 status and/or $n team when filtered, then limit and offset. */
  static String listRotations(boolean byStatus, boolean byTeam) {
    return LIST_ROTATIONS[(byStatus ? 2 : 0) + (byTeam ? 1 : 0)];
  }

  /** Same parameters as {@link #listRotations} without limit and offset. */
  static String countRotations(boolean byStatus, boolean byTeam) {
    return COUNT_ROTATIONS[(byStatus ? 2 : 0) + (byTeam ? 1 : 0)];
  }

  // Four fixed statements rather than "($2 IS NULL OR status = $2)": a cached generic plan of the latter
  // cannot use the (account_id, status) / (account_id, team_id) indexes.
  private static final String[] LIST_ROTATIONS = new String[4];
  private static final String[] COUNT_ROTATIONS = new String[4];

  static {
    for (int i = 0; i < 4; i++) {
      boolean byStatus = (i & 2) != 0;
      boolean byTeam = (i & 1) != 0;
      int n = 1;
      StringBuilder where = new StringBuilder("account_id = $1");
      if (byStatus) {
        where.append(" AND status = $").append(++n);
      }
      if (byTeam) {
        where.append(" AND team_id = $").append(++n);
      }
      COUNT_ROTATIONS[i] = "SELECT count(*) FROM rotation WHERE " + where;
      LIST_ROTATIONS[i] = "SELECT " + ROTATION_COLUMNS + " FROM (SELECT * FROM rotation WHERE " + where
          + " ORDER BY id LIMIT $" + (n + 1) + " OFFSET $" + (n + 2) + ") r" + ROTATION_MEMBERS + " ORDER BY r.id";
    }
  }

  static final String RESERVE_SEQUENCES = "UPDATE rotation SET sequence_ceiling = GREATEST(sequence_ceiling, $2)"
      + " WHERE id = $1 RETURNING sequence_ceiling";

  /**
   * Gives back unused reservations, each only when the stored progress has caught up with it and the ceiling
   * is still the releasing owner's; many rotations in one statement.
   */
  static final String RELEASE_SEQUENCES_BATCH = "UPDATE rotation r SET sequence_ceiling = v.sequence"
      + " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS v(id, sequence, ceiling)"
      + " WHERE r.id = v.id AND r.sequence = v.sequence AND r.sequence_ceiling = v.ceiling";

  // ---- write-behind -----------------------------------------------------------------------------------

  /** One statement for the whole batch; the sequence guard keeps an older, retried batch from moving back. */
  static final String FLUSH_PROGRESS = "UPDATE rotation r SET position = v.position, sequence = v.sequence,"
      + " ledger = v.ledger::jsonb FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::text[])"
      + " AS v(id, position, sequence, ledger)"
      + " WHERE r.id = v.id AND r.sequence < v.sequence";

  /** One multi-row insert; the primary key makes a retried batch a no-op. */
  static final String FLUSH_ASSIGNMENTS = "INSERT INTO assignment (rotation_id, account_id, sequence, user_id, email,"
      + " position, picked_at, request_id, node, skipped, repayment, fallback_from) SELECT a.rotation_id, a.account_id,"
      + " a.sequence, a.user_id, a.email, a.position, a.picked_at, a.request_id, a.node, a.skipped::jsonb,"
      + " a.repayment, a.fallback_from FROM unnest($1::bigint[], $2::text[], $3::bigint[],"
      + " $4::bigint[], $5::text[], $6::int[], $7::timestamptz[], $8::text[], $9::text[], $10::text[],"
      + " $11::boolean[], $12::bigint[]) AS a(rotation_id, account_id, sequence, user_id, email, position, picked_at,"
      + " request_id, node, skipped, repayment, fallback_from)"
      + " ON CONFLICT (rotation_id, sequence) DO NOTHING";

  // ---- assignment history -----------------------------------------------------------------------------

  private static final String ASSIGNMENT_COLUMNS = "rotation_id, account_id, sequence, user_id, email, position,"
      + " picked_at, request_id, node, skipped::text AS skipped, repayment, fallback_from";

  // from inclusive, to exclusive; a null bound is open. COALESCE of a parameter stays an index condition.
  private static final String ASSIGNMENT_RANGE = "rotation_id = $1 AND picked_at >= COALESCE($2, '-infinity'::timestamptz)"
      + " AND picked_at < COALESCE($3, 'infinity'::timestamptz)";

  // the history of a rotation also lists the picks other rotations made as its fallback (fallback_from)
  private static final String HISTORY_RANGE = "(rotation_id = $1 OR fallback_from = $1)"
      + " AND picked_at >= COALESCE($2, '-infinity'::timestamptz) AND picked_at < COALESCE($3, 'infinity'::timestamptz)";

  static final String LIST_ASSIGNMENTS = "SELECT " + ASSIGNMENT_COLUMNS + " FROM assignment WHERE " + HISTORY_RANGE
      + " ORDER BY picked_at DESC, sequence DESC LIMIT $4 OFFSET $5";

  static final String COUNT_ASSIGNMENTS = "SELECT count(*) FROM assignment WHERE " + HISTORY_RANGE;

  static final String LIST_USER_ASSIGNMENTS = "SELECT " + ASSIGNMENT_COLUMNS + " FROM assignment WHERE "
      + HISTORY_RANGE + " AND user_id = $4 ORDER BY picked_at DESC, sequence DESC LIMIT $5 OFFSET $6";

  static final String COUNT_USER_ASSIGNMENTS = "SELECT count(*) FROM assignment WHERE " + HISTORY_RANGE
      + " AND user_id = $4";

  // newest first here; the caller turns the page around. The primary key (rotation_id, sequence) serves both.
  static final String PICKS_AFTER = "SELECT " + ASSIGNMENT_COLUMNS + " FROM assignment WHERE rotation_id = $1"
      + " AND sequence > $2 ORDER BY sequence DESC LIMIT $3";

  static final String COUNT_PICKS_AFTER = "SELECT count(*) FROM assignment WHERE rotation_id = $1 AND sequence > $2";

  static final String COUNT_SKIPS_BY_USER = "SELECT (s->>'userId')::bigint AS user_id, s->>'reason' AS reason,"
      + " count(*) AS skips FROM assignment a CROSS JOIN LATERAL jsonb_array_elements(a.skipped) s WHERE "
      + ASSIGNMENT_RANGE + " AND a.skipped IS NOT NULL GROUP BY 1, 2";

  static final String COUNT_PICKS_BY_USER = "SELECT user_id, count(*) AS picks FROM assignment WHERE "
      + ASSIGNMENT_RANGE + " GROUP BY user_id ORDER BY user_id";

  // a bounded batch, found through the BRIN index on picked_at; SKIP LOCKED so nodes purging together never wait
  static final String PURGE_ASSIGNMENTS = "DELETE FROM assignment WHERE ctid = ANY(ARRAY(SELECT ctid FROM assignment "
      + "WHERE picked_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED))";

  // ---- users ------------------------------------------------------------------------------------------

  private static final String USER_COLUMNS = "id, account_id, email, name, roles, active, created_at, updated_at,"
      + " created_by, updated_by, time_zone, working_hours, away_until";

  static final String INSERT_USER = "INSERT INTO app_user (account_id, email, name, roles, active, created_at,"
      + " updated_at, created_by, updated_by, time_zone, working_hours, away_until)"
      + " VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $7, $8, $9, $10) RETURNING " + USER_COLUMNS;

  static final String FIND_USER_BY_EMAIL = "SELECT " + USER_COLUMNS
      + " FROM app_user WHERE account_id = $1 AND lower(email) = lower($2)";
  static final String GET_USER = "SELECT " + USER_COLUMNS + " FROM app_user WHERE id = $1 AND account_id = $2";

  static final String LIST_USERS = "SELECT " + USER_COLUMNS + " FROM app_user WHERE account_id = $1 ORDER BY id"
      + " LIMIT $2 OFFSET $3";

  static final String COUNT_USERS = "SELECT count(*) FROM app_user WHERE account_id = $1";

  /** $11/$13 true: clear working hours / away-until (a null $10/$12 alone leaves them as they are). */
  static final String UPDATE_USER = "UPDATE app_user SET email = COALESCE($3, email), name = COALESCE($4, name),"
      + " roles = COALESCE($5::text[], roles), active = COALESCE($6, active), updated_at = $7, updated_by = $8,"
      + " time_zone = COALESCE($9, time_zone),"
      + " working_hours = CASE WHEN $11 THEN NULL ELSE COALESCE($10::jsonb, working_hours) END,"
      + " away_until = CASE WHEN $13 THEN NULL ELSE COALESCE($12::timestamptz, away_until) END"
      + " WHERE id = $1 AND account_id = $2 RETURNING " + USER_COLUMNS;

  /**
   * The copies of a user's email and name that rotation and team members keep, brought up to date in the
   * transaction that changes the user (so a restarted node reads current names too).
   */
  static final String USER_COPIES_IN_ROTATIONS = "UPDATE rotation_member m SET email = $2, name = $3"
      + " FROM rotation r WHERE m.user_id = $1 AND r.id = m.rotation_id AND r.account_id = $4"
      + " AND (m.email IS DISTINCT FROM $2 OR m.name IS DISTINCT FROM $3)";

  static final String USER_COPIES_IN_TEAMS = "UPDATE team_member m SET email = $2, name = $3"
      + " FROM team t WHERE m.user_id = $1 AND t.id = m.team_id AND t.account_id = $4"
      + " AND (m.email IS DISTINCT FROM $2 OR m.name IS DISTINCT FROM $3)";

  /** Locks the user row so that the reference check and the delete see the same user. */
  static final String USER_REFERENCES = "SELECT EXISTS (SELECT 1 FROM rotation_member m JOIN rotation r"
      + " ON r.id = m.rotation_id WHERE m.user_id = u.id AND r.account_id = u.account_id) AS in_rotation,"
      + " EXISTS (SELECT 1 FROM team_member m JOIN team t ON t.id = m.team_id"
      + " WHERE m.user_id = u.id AND t.account_id = u.account_id) AS in_team"
      + " FROM app_user u WHERE u.id = $1 AND u.account_id = $2 FOR UPDATE OF u";

  static final String DELETE_USER = "DELETE FROM app_user WHERE id = $1";

  static final String USERS_BY_ID = "SELECT " + USER_COLUMNS + " FROM app_user WHERE account_id = $1"
      + " AND id = ANY($2::bigint[])";

  static final String USERS_BY_EMAIL = "SELECT " + USER_COLUMNS + " FROM app_user WHERE account_id = $1"
      + " AND lower(email) = ANY($2::text[])";

  /** Creates directory users for unknown emails, in list order; a concurrent create of the same email wins. */
  static final String INSERT_MISSING_USERS = "INSERT INTO app_user (account_id, email, name, roles, active,"
      + " created_at, updated_at, created_by, updated_by)"
      + " SELECT $1, n.email, n.name, '{}', true, $4, $4, $5, $5"
      + " FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS n(email, name, ord) ORDER BY n.ord"
      + " ON CONFLICT (account_id, lower(email)) DO NOTHING RETURNING " + USER_COLUMNS;

  // ---- teams ------------------------------------------------------------------------------------------

  private static final String TEAM_COLUMNS = "t.id, t.account_id, t.name, t.active, t.created_at, t.updated_at,"
      + " t.created_by, t.updated_by, m.user_ids, m.emails, m.names";

  private static final String TEAM_MEMBERS = " LEFT JOIN LATERAL (SELECT array_agg(user_id ORDER BY ord) AS user_ids,"
      + " array_agg(email ORDER BY ord) AS emails, array_agg(name ORDER BY ord) AS names"
      + " FROM team_member WHERE team_id = t.id) m ON true";

  static final String GET_TEAM = "SELECT " + TEAM_COLUMNS + " FROM team t" + TEAM_MEMBERS
      + " WHERE t.id = $1 AND t.account_id = $2";

  static final String LIST_TEAMS = "SELECT " + TEAM_COLUMNS + " FROM (SELECT * FROM team WHERE account_id = $1"
      + " ORDER BY id LIMIT $2 OFFSET $3) t" + TEAM_MEMBERS + " ORDER BY t.id";

  static final String COUNT_TEAMS = "SELECT count(*) FROM team WHERE account_id = $1";

  static final String INSERT_TEAM = "INSERT INTO team (account_id, name, active, created_at, updated_at, created_by,"
      + " updated_by) VALUES ($1, $2, $3, $4, $4, $5, $5) RETURNING id";

  static final String INSERT_TEAM_MEMBERS = "INSERT INTO team_member (team_id, ord, user_id, email, name)"
      + " SELECT $1, m.ord - 1, m.user_id, m.email, m.name"
      + " FROM unnest($2::bigint[], $3::text[], $4::text[]) WITH ORDINALITY AS m(user_id, email, name, ord)";

  static final String DELETE_TEAM_MEMBERS = "DELETE FROM team_member WHERE team_id = $1";

  static final String UPDATE_TEAM = "UPDATE team SET name = COALESCE($3, name), active = COALESCE($4, active),"
      + " updated_at = $5, updated_by = $6 WHERE id = $1 AND account_id = $2";

  /** Locks the team row so that the usage check and the delete see the same team. */
  static final String TEAM_USED = "SELECT EXISTS (SELECT 1 FROM rotation r WHERE r.team_id = t.id) AS used"
      + " FROM team t WHERE t.id = $1 AND t.account_id = $2 FOR UPDATE OF t";

  static final String DELETE_TEAM = "DELETE FROM team WHERE id = $1";
}
