package io.leadrouter.store.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Flyway migrations against a real, empty Postgres database. Blocking JDBC on the test thread. */
class MigrationTest {

  private String uri;

  @BeforeEach
  void emptyDatabase() {
    uri = TestPostgres.freshDatabaseUri();
  }

  @AfterEach
  void dropDatabase() {
    TestPostgres.dropDatabase(uri);
  }

  @Test
  void migrationsApplyToAnEmptyDatabase() throws SQLException {
    MigrateResult result = Postgres.migrate(uri);

    assertThat(result.success).isTrue();
    assertThat(result.migrationsExecuted).isEqualTo(4);
    assertThat(result.targetSchemaVersion).isEqualTo("4");
    assertThat(strings("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        + " AND table_name <> 'flyway_schema_history' ORDER BY 1"))
        .containsExactly("app_user", "assignment", "group_token", "idempotency_key", "lead", "lead_event", "rotation",
            "rotation_member", "team", "team_member");
    assertThat(strings("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"))
        .contains("app_user_account_email_uq", "rotation_account_status_idx", "rotation_account_team_idx",
            "assignment_pkey", "assignment_rotation_picked_idx", "assignment_rotation_user_idx",
            "assignment_fallback_idx");
    // V4: the people columns (users' availability, rotation and member settings, the ledger, skipped picks)
    assertThat(strings("SELECT table_name || '.' || column_name FROM information_schema.columns"
        + " WHERE table_schema = 'public' AND column_name IN ('time_zone', 'working_hours', 'away_until', 'catch_up',"
        + " 'fallback_rotation_id', 'fallback_user_id', 'follows_team', 'ledger', 'paused', 'cap_hour', 'cap_day',"
        + " 'cap_week', 'skipped', 'repayment', 'fallback_from') ORDER BY 1"))
        .containsExactly("app_user.away_until", "app_user.time_zone", "app_user.working_hours", "assignment.fallback_from",
            "assignment.repayment", "assignment.skipped", "rotation.catch_up", "rotation.fallback_rotation_id",
            "rotation.fallback_user_id", "rotation.follows_team", "rotation.ledger", "rotation.time_zone",
            "rotation_member.cap_day", "rotation_member.cap_hour", "rotation_member.cap_week", "rotation_member.paused");
    assertThat(strings("SELECT column_name || ' ' || data_type || ' ' || is_nullable FROM information_schema.columns"
        + " WHERE table_name = 'app_user' AND column_name IN ('time_zone', 'working_hours', 'away_until') ORDER BY 1"))
        .containsExactly("away_until timestamp with time zone YES", "time_zone text NO", "working_hours jsonb YES");
  }

  @Test
  void aSecondRunOnACurrentDatabaseChangesNothing() throws SQLException {
    Postgres.migrate(uri);
    List<String> before = schema();

    MigrateResult again = Postgres.migrate(uri);

    assertThat(again.success).isTrue();
    assertThat(again.migrationsExecuted).isZero();
    assertThat(again.initialSchemaVersion).isEqualTo("4");
    assertThat(schema()).isEqualTo(before);
    assertThat(strings("SELECT count(*)::text FROM flyway_schema_history")).containsExactly("4");
  }

  /** Every column and index definition of the public schema. */
  private List<String> schema() throws SQLException {
    List<String> schema = new ArrayList<>(strings("SELECT table_name || '.' || column_name || ' ' || data_type"
        + " || ' ' || is_nullable || ' ' || coalesce(column_default, '') FROM information_schema.columns"
        + " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"));
    schema.addAll(strings("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname"));
    schema.addAll(strings("SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
        + " WHERE connamespace = 'public'::regnamespace ORDER BY conname"));
    return schema;
  }

  private List<String> strings(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = Postgres.connectJdbc(uri); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
