package io.leadrouter.store.pg;

import static io.leadrouter.store.pg.PgClient.column;
import static io.leadrouter.store.pg.PgClient.notFound;
import static io.leadrouter.store.pg.PgClient.time;

import io.leadrouter.rotation.Ledger;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.store.Assignment;
import io.leadrouter.store.NewRotation;
import io.leadrouter.store.Page;
import io.leadrouter.store.RotationFilter;
import io.leadrouter.store.RotationJson;
import io.leadrouter.store.RotationStore;
import io.leadrouter.store.StoredRotation;
import io.leadrouter.store.WriteBatch;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link RotationStore} on Postgres: configuration writes complete after their transaction commits; a
 * write-behind flush is one transaction of at most two statements.
 */
final class PgRotations implements RotationStore {

  private final PgClient pg;
  private final AtomicLong progressWrites = new AtomicLong();
  private final AtomicLong flushes = new AtomicLong();

  PgRotations(PgClient pg) {
    this.pg = pg;
  }

  long progressWrites() {
    return progressWrites.get();
  }

  long flushes() {
    return flushes.get();
  }

  @Override
  public Future<RotationState> createRotation(NewRotation r) {
    Instant now = pg.now();
    return pg.call(() -> pg.pool().withTransaction(conn -> pg.run(conn, Sql.INSERT_ROTATION,
            Tuple.from(new Object[] {r.accountId(), r.name(), r.status().wire(), r.teamId(), time(now), r.actor(),
                RotationJson.zoneName(r.timeZone()), r.catchUp(), r.fallback() == null ? null : r.fallback().rotationId(),
                r.fallback() == null ? null : r.fallback().userId(), r.followsTeam()}))
        .compose(rows -> {
          long id = rows.iterator().next().getLong(0);
          return insertMembers(conn, id, r.members())
              .map(v -> new RotationState(id, r.accountId(), r.name(), r.status(), r.teamId(), r.members(), 0, 0,
                  now, now, r.actor(), r.actor(), r.timeZone(), r.catchUp(), r.fallback(), r.followsTeam(),
                  Ledger.EMPTY));
        })));
  }

  private Future<Void> insertMembers(SqlClient conn, long rotationId, List<Member> members) {
    if (members.isEmpty()) {
      return Future.succeededFuture();
    }
    return pg.run(conn, Sql.INSERT_ROTATION_MEMBERS, Tuple.from(new Object[] {rotationId,
        column(members, Member::userId, Long[]::new), column(members, Member::email, String[]::new),
        column(members, Member::name, String[]::new), column(members, Member::weight, Integer[]::new),
        column(members, Member::paused, Boolean[]::new), column(members, m -> m.caps().hour(), Integer[]::new),
        column(members, m -> m.caps().day(), Integer[]::new), column(members, m -> m.caps().week(), Integer[]::new)}))
        .mapEmpty();
  }

  @Override
  public Future<StoredRotation> loadRotation(long id) {
    return pg.call(() -> pg.run(pg.pool(), Sql.LOAD_ROTATION, Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : PgRows.storedRotation(rows.iterator().next())));
  }

  @Override
  public Future<Void> saveRotation(RotationState s) {
    return pg.call(() -> pg.pool().withTransaction(conn -> pg.run(conn, Sql.UPDATE_ROTATION,
            Tuple.from(new Object[] {s.id(), s.name(), s.status().wire(), s.teamId(), s.position(), s.sequence(),
                time(s.createdAt()), time(s.updatedAt()), s.createdBy(), s.updatedBy(), RotationJson.zoneName(s.timeZone()),
                s.catchUp(), s.fallback() == null ? null : s.fallback().rotationId(),
                s.fallback() == null ? null : s.fallback().userId(), s.followsTeam(),
                RotationJson.ledger(s.ledger())}))
        .compose(rows -> rows.rowCount() == 0 ? notFound("rotation " + s.id())
            : pg.run(conn, Sql.DELETE_ROTATION_MEMBERS, Tuple.of(s.id())))
        .compose(rows -> insertMembers(conn, s.id(), s.members()))));
  }

  @Override
  public Future<Void> deleteRotation(long id) {
    return pg.call(() -> pg.run(pg.pool(), Sql.DELETE_ROTATION, Tuple.of(id))
        .compose(rows -> rows.rowCount() == 0 ? notFound("rotation " + id) : Future.succeededFuture()));
  }

  @Override
  public Future<Page<RotationState>> listRotations(String accountId, RotationFilter f) {
    boolean byStatus = f.status() != null;
    boolean byTeam = f.teamId() != null;
    Tuple filter = Tuple.of(accountId);
    Tuple page = Tuple.of(accountId);
    if (byStatus) {
      filter.addValue(f.status().wire());
      page.addValue(f.status().wire());
    }
    if (byTeam) {
      filter.addValue(f.teamId());
      page.addValue(f.teamId());
    }
    page.addValue(f.limit()).addValue(f.offset());
    return pg.call(() -> PgClient.page(pg.run(pg.pool(), Sql.listRotations(byStatus, byTeam), page),
        pg.run(pg.pool(), Sql.countRotations(byStatus, byTeam), filter), PgRows::rotation, f.limit(), f.offset()));
  }

  @Override
  public Future<Long> reserveSequences(long rotationId, long ceiling) {
    return pg.call(() -> pg.run(pg.pool(), Sql.RESERVE_SEQUENCES, Tuple.of(rotationId, ceiling))
        .compose(rows -> rows.size() == 0 ? notFound("rotation " + rotationId)
            : Future.succeededFuture(rows.iterator().next().getLong(0))));
  }

  /** One statement for all of them, in id order (as {@link #flush}) so that concurrent writers lock rows alike. */
  @Override
  public Future<Void> releaseSequences(List<SequenceRelease> releases) {
    if (releases.isEmpty()) {
      return Future.succeededFuture();
    }
    List<SequenceRelease> sorted = releases.stream()
        .sorted(Comparator.comparingLong(SequenceRelease::rotationId)).toList();
    Tuple args = Tuple.of(column(sorted, SequenceRelease::rotationId, Long[]::new),
        column(sorted, SequenceRelease::sequence, Long[]::new),
        column(sorted, SequenceRelease::expectedCeiling, Long[]::new));
    return pg.call(() -> pg.run(pg.pool(), Sql.RELEASE_SEQUENCES_BATCH, args).mapEmpty());
  }

  /**
   * One transaction of at most two statements, sent pipelined: one UPDATE for the progress of every
   * rotation in the batch (never moving a rotation backwards) and one multi-row INSERT of the assignment
   * log that ignores rows already there. Applying a batch twice therefore leaves the store as once.
   */
  @Override
  public Future<Void> flush(WriteBatch batch) {
    flushes.incrementAndGet();
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    // the owner sends one entry per rotation; should one ever send more, the newest must win. Rows go in
    // id order so that concurrent flushes touching the same rotations lock them in the same order.
    Map<Long, WriteBatch.Progress> latest = new TreeMap<>();
    for (WriteBatch.Progress p : batch.progress()) {
      latest.merge(p.rotationId(), p, (a, b) -> b.sequence() > a.sequence() ? b : a);
    }
    Tuple progress = progressArgs(latest.values());
    Tuple assignments = assignmentArgs(batch.assignments());
    return pg.call(() -> pg.pool().withTransaction(conn -> Future.all(
            latest.isEmpty() ? Future.succeededFuture() : pg.run(conn, Sql.FLUSH_PROGRESS, progress),
            batch.assignments().isEmpty() ? Future.succeededFuture()
                : pg.run(conn, Sql.FLUSH_ASSIGNMENTS, assignments))
        .<Void>mapEmpty())
        .onSuccess(v -> progressWrites.addAndGet(latest.size())));
  }

  private static Tuple progressArgs(Collection<WriteBatch.Progress> progress) {
    return Tuple.of(column(progress, WriteBatch.Progress::rotationId, Long[]::new),
        column(progress, WriteBatch.Progress::position, Integer[]::new),
        column(progress, WriteBatch.Progress::sequence, Long[]::new),
        column(progress, p -> RotationJson.ledger(p.ledger()), String[]::new));
  }

  private static Tuple assignmentArgs(List<Assignment> rows) {
    return Tuple.from(new Object[] {column(rows, Assignment::rotationId, Long[]::new),
        column(rows, Assignment::accountId, String[]::new), column(rows, Assignment::sequence, Long[]::new),
        column(rows, Assignment::userId, Long[]::new), column(rows, Assignment::email, String[]::new),
        column(rows, Assignment::position, Integer[]::new),
        column(rows, a -> time(a.pickedAt()), OffsetDateTime[]::new),
        column(rows, Assignment::requestId, String[]::new), column(rows, Assignment::node, String[]::new),
        column(rows, a -> RotationJson.skippedText(a.skipped()), String[]::new),
        column(rows, Assignment::repayment, Boolean[]::new), column(rows, Assignment::fallbackFrom, Long[]::new)});
  }
}
