package io.leadrouter.store.pg;

import io.leadrouter.store.RotationStore;
import io.leadrouter.store.Storage;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;

/**
 * The Postgres store, on the reactive vertx-pg-client: nothing here blocks, every port may be called from
 * an event loop. Semantics match {@link io.leadrouter.store.memory.InMemoryStore} (null results for absent
 * rows, the same error kinds and messages). Configuration writes complete after their transaction commits.
 *
 * <p>Failures ({@link PgErrors}): a database that cannot be reached (refused or dropped connection, pool
 * timeout, server shutting down) fails with UNAVAILABLE; a duplicate email with CONFLICT. Other server errors
 * are bugs and pass through unchanged. Every call is bounded by the store's timeout ({@link PgClient#call}).
 */
public final class PgStore extends Storage {

  private final PgClient client;
  private final PgRotations rotations;

  public PgStore(Pool pool) {
    this(pool, Clock.systemUTC());
  }

  public PgStore(Pool pool, Clock clock) {
    this(pool, clock, Postgres.DEFAULT_TIMEOUT);
  }

  /** {@code timeout} bounds every call: one that takes longer fails UNAVAILABLE. */
  public PgStore(Pool pool, Clock clock, Duration timeout) {
    this(new PgClient(pool, clock, timeout));
  }

  private PgStore(PgClient client) {
    this(client, new PgRotations(client));
  }

  private PgStore(PgClient client, PgRotations rotations) {
    super(rotations, new PgDirectory(client), new PgAssignmentLog(client));
    this.client = client;
    this.rotations = rotations;
  }

  /** The pool, clock and call plumbing, for other adapters on the same database (the leads'). */
  public PgClient client() {
    return client;
  }

  /** SQL statements sent so far (BEGIN/COMMIT not counted): a flush costs at most two. */
  public long statementsExecuted() {
    return client.statementsExecuted();
  }

  /** Rotation progress rows written by committed flushes: with coalescing, far fewer than picks. */
  public long progressWrites() {
    return rotations.progressWrites();
  }

  /** Calls of {@link RotationStore#flush}, empty ones included. */
  public long flushes() {
    return rotations.flushes();
  }

  @Override
  public Future<Void> ping() {
    return client.ping();
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
