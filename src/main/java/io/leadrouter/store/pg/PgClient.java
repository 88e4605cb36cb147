package io.leadrouter.store.pg;

import io.leadrouter.store.Page;
import io.leadrouter.store.StoreException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * What every Postgres adapter shares: the pool, the clock, the bound of a call and the plumbing of one call
 * ({@link #call}, {@link #run}), with failures translated by {@link PgErrors}. Nothing here blocks.
 *
 * <p>Timestamps the store sets ({@link #now}) are truncated to microseconds, Postgres' precision, so that
 * what a write returns equals what a later read returns.
 */
public final class PgClient {

  private final Pool pool;
  private final Clock clock;
  private final Duration timeout;
  private final AtomicLong statements = new AtomicLong();

  /** {@code timeout} bounds every call: one that takes longer fails UNAVAILABLE (see {@link #call}). */
  public PgClient(Pool pool, Clock clock, Duration timeout) {
    this.pool = pool;
    this.clock = clock;
    this.timeout = timeout;
  }

  public Pool pool() {
    return pool;
  }

  /** SQL statements sent so far (BEGIN/COMMIT not counted). */
  long statementsExecuted() {
    return statements.get();
  }

  /** One prepared statement on {@code client} (the pool, or a transaction's connection). */
  public Future<RowSet<Row>> run(SqlClient client, String sql, Tuple args) {
    statements.incrementAndGet();
    return client.preparedQuery(sql).execute(args);
  }

  /**
   * Runs a store operation, turning connection-level failures (also thrown ones) into UNAVAILABLE, and so
   * does an operation that has not completed within the timeout: a database behind a network that drops
   * packets silently never answers. The connection such a call holds is closed by the pool's idle timeout
   * (see {@link Postgres}), not reused; a write that timed out may still have committed, as with any lost
   * answer.
   */
  public <T> Future<T> call(Supplier<Future<T>> op) {
    Future<T> f;
    try {
      f = op.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(PgErrors.translate(e));
    }
    return f.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).recover(e -> Future.failedFuture(
        e instanceof TimeoutException ? PgErrors.timedOut(timeout, e) : PgErrors.translate(e)));
  }

  /** One round trip on a pooled connection, bounded like every call: readiness reports the store DOWN otherwise. */
  Future<Void> ping() {
    return call(() -> pool.query("SELECT 1").execute().mapEmpty());
  }

  Future<Void> close() {
    return pool.close();
  }

  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  public static OffsetDateTime time(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  public static Instant instant(Row row, String column) {
    OffsetDateTime t = row.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  /** A page of {@code rows} mapped by {@code mapper}, of {@code count}'s single number of matches. */
  public static <T> Future<Page<T>> page(Future<RowSet<Row>> rows, Future<RowSet<Row>> count,
      Function<Row, T> mapper, int limit, int offset) {
    return Future.all(rows, count).map(v -> {
      List<T> items = new ArrayList<>(rows.result().size());
      for (Row row : rows.result()) {
        items.add(mapper.apply(row));
      }
      return new Page<>(items, count.result().iterator().next().getLong(0), limit, offset);
    });
  }

  /**
   * Tuple.of(x, array) would pick the varargs overload and spread the array into separate parameters; an
   * array as second of two parameters must be added explicitly.
   */
  static Tuple arrayArgs(Object first, Object[] array) {
    return Tuple.tuple().addValue(first).addValue(array);
  }

  /** One column of {@code rows} as an array, for a statement that takes its rows apart with {@code unnest}. */
  static <T, C> C[] column(Collection<T> rows, Function<T, C> value, IntFunction<C[]> array) {
    return rows.stream().map(value).toArray(array);
  }

  static <T> Future<T> notFound(String what) {
    return Future.failedFuture(new StoreException(StoreException.Kind.NOT_FOUND, what + " not found"));
  }

  static <T> Future<T> conflict(String message) {
    return Future.failedFuture(new StoreException(StoreException.Kind.CONFLICT, message));
  }
}
