package io.leadrouter.store.pg;

import static io.leadrouter.store.pg.PgClient.page;
import static io.leadrouter.store.pg.PgClient.time;

import io.leadrouter.store.Assignment;
import io.leadrouter.store.AssignmentLog;
import io.leadrouter.store.Page;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** {@link AssignmentLog} on Postgres: reads of the table the owners' flushes fill, and its purge. */
final class PgAssignmentLog implements AssignmentLog {

  private final PgClient pg;

  PgAssignmentLog(PgClient pg) {
    this.pg = pg;
  }

  @Override
  public Future<Page<Assignment>> listAssignments(long rotationId, Long userId, Instant from, Instant to,
      int limit, int offset) {
    if (userId == null) {
      return pg.call(() -> page(
          pg.run(pg.pool(), Sql.LIST_ASSIGNMENTS, Tuple.of(rotationId, time(from), time(to), limit, offset)),
          pg.run(pg.pool(), Sql.COUNT_ASSIGNMENTS, Tuple.of(rotationId, time(from), time(to))),
          PgRows::assignment, limit, offset));
    }
    return pg.call(() -> page(
        pg.run(pg.pool(), Sql.LIST_USER_ASSIGNMENTS, Tuple.of(rotationId, time(from), time(to), userId, limit, offset)),
        pg.run(pg.pool(), Sql.COUNT_USER_ASSIGNMENTS, Tuple.of(rotationId, time(from), time(to), userId)),
        PgRows::assignment, limit, offset));
  }

  @Override
  public Future<Page<Assignment>> picksAfter(long rotationId, long afterSequence, int limit) {
    return pg.call(() -> page(
        pg.run(pg.pool(), Sql.PICKS_AFTER, Tuple.of(rotationId, afterSequence, limit)),
        pg.run(pg.pool(), Sql.COUNT_PICKS_AFTER, Tuple.of(rotationId, afterSequence)),
        PgRows::assignment, limit, 0).map(PgAssignmentLog::oldestFirst));
  }

  private static Page<Assignment> oldestFirst(Page<Assignment> newestFirst) {
    List<Assignment> items = new ArrayList<>(newestFirst.items());
    Collections.reverse(items);
    return new Page<>(items, newestFirst.total(), newestFirst.limit(), 0);
  }

  @Override
  public Future<Map<Long, Long>> countPicksByUser(long rotationId, Instant from, Instant to) {
    return pg.call(() -> pg.run(pg.pool(), Sql.COUNT_PICKS_BY_USER, Tuple.of(rotationId, time(from), time(to)))
        .map(rows -> {
          Map<Long, Long> counts = new LinkedHashMap<>();
          for (Row row : rows) {
            counts.put(row.getLong("user_id"), row.getLong("picks"));
          }
          return counts;
        }));
  }

  @Override
  public Future<Map<Long, Map<String, Long>>> countSkipsByUser(long rotationId, Instant from, Instant to) {
    return pg.call(() -> pg.run(pg.pool(), Sql.COUNT_SKIPS_BY_USER, Tuple.of(rotationId, time(from), time(to)))
        .map(rows -> {
          Map<Long, Map<String, Long>> counts = new TreeMap<>();
          for (Row row : rows) {
            counts.computeIfAbsent(row.getLong("user_id"), u -> new TreeMap<>())
                .put(row.getString("reason"), row.getLong("skips"));
          }
          return counts;
        }));
  }

  @Override
  public Future<Integer> purgeAssignments(Instant before, int limit) {
    return pg.call(() -> pg.run(pg.pool(), Sql.PURGE_ASSIGNMENTS, Tuple.of(time(before), limit)).map(RowSet::rowCount));
  }
}
