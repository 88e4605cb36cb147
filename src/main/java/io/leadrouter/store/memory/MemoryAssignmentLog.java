package io.leadrouter.store.memory;

import io.leadrouter.store.Assignment;
import io.leadrouter.store.AssignmentLog;
import io.leadrouter.store.Page;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** {@link AssignmentLog} over the in-memory tables; the same contract as the Postgres one. */
final class MemoryAssignmentLog implements AssignmentLog {

  private final MemoryTables db;

  MemoryAssignmentLog(MemoryTables db) {
    this.db = db;
  }

  @Override
  public Future<Page<Assignment>> listAssignments(long rotationId, Long userId, Instant from, Instant to,
      int limit, int offset) {
    Stream<Assignment> fallbacks = db.log.values().stream().flatMap(rows -> rows.values().stream())
        .filter(a -> a.fallbackFrom() != null && a.fallbackFrom() == rotationId && a.rotationId() != rotationId)
        .filter(a -> (from == null || !a.pickedAt().isBefore(from)) && (to == null || a.pickedAt().isBefore(to)));
    List<Assignment> all = Stream.concat(picks(rotationId, from, to), fallbacks)
        .filter(a -> userId == null || a.userId() == userId)
        .sorted(Comparator.comparing(Assignment::pickedAt).thenComparingLong(Assignment::sequence).reversed())
        .toList();
    return Future.succeededFuture(MemoryTables.page(all, limit, offset));
  }

  @Override
  public Future<Page<Assignment>> picksAfter(long rotationId, long afterSequence, int limit) {
    List<Assignment> after = db.assignments(rotationId).stream().filter(a -> a.sequence() > afterSequence)
        .sorted(Comparator.comparingLong(Assignment::sequence)).toList();
    List<Assignment> newest = after.subList(Math.max(0, after.size() - limit), after.size());
    return Future.succeededFuture(new Page<>(newest, after.size(), limit, 0));
  }

  @Override
  public Future<Map<Long, Long>> countPicksByUser(long rotationId, Instant from, Instant to) {
    return Future.succeededFuture(picks(rotationId, from, to)
        .collect(Collectors.groupingBy(Assignment::userId, TreeMap::new, Collectors.counting())));
  }

  @Override
  public Future<Map<Long, Map<String, Long>>> countSkipsByUser(long rotationId, Instant from, Instant to) {
    Map<Long, Map<String, Long>> out = new TreeMap<>();
    picks(rotationId, from, to).forEach(a -> a.skipped().forEach(s -> out.computeIfAbsent(s.userId(),
        u -> new TreeMap<>()).merge(s.reason().wire(), 1L, Long::sum)));
    return Future.succeededFuture(out);
  }

  @Override
  public Future<Integer> purgeAssignments(Instant before, int limit) {
    int n = 0;
    for (NavigableMap<Long, Assignment> rows : db.log.values()) {
      for (Assignment a : rows.values()) {
        if (n >= limit) {
          return Future.succeededFuture(n);
        }
        if (a.pickedAt().isBefore(before) && rows.remove(a.sequence(), a)) {
          n++;
        }
      }
    }
    return Future.succeededFuture(n);
  }

  private Stream<Assignment> picks(long rotationId, Instant from, Instant to) {
    return db.assignments(rotationId).stream()
        .filter(a -> (from == null || !a.pickedAt().isBefore(from)) && (to == null || a.pickedAt().isBefore(to)));
  }
}
