package io.leadrouter.store.memory;

import io.leadrouter.store.Assignment;
import io.leadrouter.store.Storage;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;

/**
 * The store for throwaway runs and tests: everything lives in this JVM and is gone when it stops. Its
 * ports are thin views of one {@link MemoryTables}, thread-safe (owners on several event loops flush
 * concurrently) through concurrent maps and atomic per-key updates; nothing here blocks.
 */
public final class InMemoryStore extends Storage {

  private final MemoryTables db;

  public InMemoryStore() {
    this(Clock.systemUTC());
  }

  public InMemoryStore(Clock clock) {
    this(new MemoryTables(clock));
  }

  private InMemoryStore(MemoryTables db) {
    super(new MemoryRotations(db), new MemoryDirectory(db), new MemoryAssignmentLog(db));
    this.db = db;
  }

  /** The clock its timestamps come from (the leads' in-memory store of the same node uses it too). */
  public Clock clock() {
    return db.clock;
  }

  /** The assignment log of one rotation, oldest first. */
  public List<Assignment> assignments(long rotationId) {
    return db.assignments(rotationId);
  }

  /** Position/sequence row writes so far: with coalescing, far fewer than picks. */
  public long progressWrites() {
    return db.progressWrites.get();
  }

  public long flushes() {
    return db.flushes.get();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
