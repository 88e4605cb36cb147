package io.leadrouter.bench;

import io.leadrouter.store.pg.Postgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Stored rotations for {@link NodeScale}, written straight into a Postgres database with set-based SQL (a
 * hundred thousand rotations through HTTP would take minutes): the schema by the service's own migrations, ten
 * users of the benchmark account, then {@code count} active rotations of those ten users with weights 1..10,
 * the rows the service's own {@code createRotation} writes (rotation, rotation_member).
 */
final class ScaleData {

  static final int MEMBERS = 10;

  private ScaleData() {}

  /** Migrates the database at {@code uri} and stores {@code count} rotations; returns their ids, ascending. */
  static List<Long> populate(String uri, int count) throws Exception {
    Postgres.migrate(uri);
    try (Connection c = Postgres.connectJdbc(uri); Statement s = c.createStatement()) {
      s.execute("INSERT INTO app_user (account_id, email, name, created_at, updated_at, created_by, updated_by)"
          + " SELECT '" + Fixtures.ACCOUNT + "', 'u' || i || '@example.com', 'User ' || i, now(), now(),"
          + " 'bench@example.com', 'bench@example.com' FROM generate_series(1, " + MEMBERS + ") i");
      if (count > 0) {
        s.execute("INSERT INTO rotation (account_id, name, status, created_at, updated_at, created_by, updated_by)"
            + " SELECT '" + Fixtures.ACCOUNT + "', 'scale ' || g, 'active', now(), now(), 'bench@example.com',"
            + " 'bench@example.com' FROM generate_series(1, " + count + ") g");
        s.execute("INSERT INTO rotation_member (rotation_id, ord, user_id, email, name, weight)"
            + " SELECT r.id, u.ord, u.id, u.email, u.name, u.ord + 1 FROM rotation r CROSS JOIN"
            + " (SELECT id, email, name, (row_number() OVER (ORDER BY id))::int - 1 AS ord FROM app_user"
            + " WHERE account_id = '" + Fixtures.ACCOUNT + "') u");
      }
      // vacuumed and analyzed now, so that autovacuum does not run over the fresh million rows while start-up
      // is being timed on this database
      s.execute("VACUUM ANALYZE");
      List<Long> ids = new ArrayList<>(count);
      try (ResultSet r = s.executeQuery("SELECT id FROM rotation ORDER BY id")) {
        while (r.next()) {
          ids.add(r.getLong(1));
        }
      }
      if (ids.size() != count) {
        throw new IllegalStateException("stored " + ids.size() + " rotations, wanted " + count);
      }
      return ids;
    }
  }
}
