package io.leadrouter.store.memory;

import io.leadrouter.store.Assignment;
import io.leadrouter.store.Page;
import io.leadrouter.store.StoreException;
import io.leadrouter.store.StoredRotation;
import io.leadrouter.store.Team;
import io.leadrouter.store.User;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory database the port views share: one id sequence and the tables, so that a check across
 * tables (a user still in a rotation, a team still used) sees what the other views wrote. Thread-safe
 * through concurrent maps and atomic per-key updates; nothing here blocks.
 */
final class MemoryTables {

  final Clock clock;
  final AtomicLong ids = new AtomicLong();
  final Map<Long, StoredRotation> rotations = new ConcurrentHashMap<>();
  final Map<Long, User> users = new ConcurrentHashMap<>();
  final Map<String, Long> userByEmail = new ConcurrentHashMap<>();
  final Map<Long, Team> teams = new ConcurrentHashMap<>();
  /** The assignment log by rotation, keyed by sequence. */
  final Map<Long, NavigableMap<Long, Assignment>> log = new ConcurrentHashMap<>();
  final AtomicLong progressWrites = new AtomicLong();
  final AtomicLong flushes = new AtomicLong();

  MemoryTables(Clock clock) {
    this.clock = clock;
  }

  /** The assignment log of one rotation, oldest first. */
  List<Assignment> assignments(long rotationId) {
    NavigableMap<Long, Assignment> rows = log.get(rotationId);
    return rows == null ? List.of() : List.copyOf(rows.values());
  }

  static String emailKey(String accountId, String email) {
    return accountId + '\u0000' + email.toLowerCase(Locale.ROOT);
  }

  static <T> Page<T> page(List<T> all, int limit, int offset) {
    int from = Math.min(offset, all.size());
    int to = Math.min(all.size(), from + limit);
    return new Page<>(all.subList(from, to), all.size(), limit, offset);
  }

  static <T> Future<T> notFound(String what) {
    return Future.failedFuture(new StoreException(StoreException.Kind.NOT_FOUND, what + " not found"));
  }

  static <T> Future<T> conflict(String message) {
    return Future.failedFuture(new StoreException(StoreException.Kind.CONFLICT, message));
  }
}
