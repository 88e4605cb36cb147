package io.leadrouter.owner;

import io.leadrouter.rotation.Ledger;
import io.leadrouter.store.Assignment;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A replica in a map, fenced like the real one (epochs, gap-free appends), with switches: {@link #gate()}
 * holds appends until {@link #open()}; {@link #failAppends} makes appends (held ones too) fail.
 */
final class FakeReplica implements Replica {

  static final class Entry {
    long epoch;
    boolean seeded;
    int position;
    long sequence;
    long scheduleKey;
    Ledger ledger = Ledger.EMPTY;
    final List<Assignment> pending = new ArrayList<>();
  }

  final Map<Long, Entry> entries = new HashMap<>();
  private boolean gated;
  private final List<Runnable> held = new ArrayList<>();
  ReplicaException failAppends;
  int appends;

  void gate() {
    gated = true;
  }

  void open() {
    gated = false;
    List<Runnable> calls = new ArrayList<>(held);
    held.clear();
    calls.forEach(Runnable::run);
  }

  int held() {
    return held.size();
  }

  @Override
  public Future<Claim> claim(long rotationId) {
    Entry e = entries.computeIfAbsent(rotationId, id -> new Entry());
    e.epoch++;
    return Future.succeededFuture(new Claim(e.epoch, e.seeded, e.position, e.sequence, e.scheduleKey, e.ledger,
        List.copyOf(e.pending)));
  }

  @Override
  public Future<Void> append(long rotationId, long epoch, long fromSequence, long toSequence, int position,
      Ledger ledger, long scheduleKey, List<Assignment> picks) {
    if (!gated) {
      return write(rotationId, epoch, fromSequence, toSequence, position, ledger, scheduleKey, picks);
    }
    Promise<Void> later = Promise.promise();
    held.add(() -> write(rotationId, epoch, fromSequence, toSequence, position, ledger, scheduleKey, picks)
        .onComplete(later));
    return later.future();
  }

  private Future<Void> write(long rotationId, long epoch, long fromSequence, long toSequence, int position,
      Ledger ledger, long scheduleKey, List<Assignment> picks) {
    appends++;
    if (failAppends != null) {
      return Future.failedFuture(failAppends);
    }
    Entry e = entries.get(rotationId);
    if (e == null || e.epoch != epoch) {
      return Future.failedFuture(new ReplicaException(ReplicaException.Kind.FENCED, "fenced (test)"));
    }
    if (e.seeded && e.sequence != fromSequence) {
      return Future.failedFuture(new ReplicaException(ReplicaException.Kind.UNAVAILABLE,
          "gap: holds " + e.sequence + ", append from " + fromSequence));
    }
    e.seeded = true;
    e.sequence = toSequence;
    e.position = position;
    e.scheduleKey = scheduleKey;
    e.ledger = ledger;
    e.pending.addAll(picks);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> trim(long rotationId, long epoch, long sequence) {
    Entry e = entries.get(rotationId);
    if (e != null && e.epoch == epoch) {
      e.pending.removeIf(a -> a.sequence() <= sequence);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> forget(long rotationId, long epoch) {
    Entry e = entries.get(rotationId);
    if (e != null && e.epoch == epoch) {
      entries.remove(rotationId);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<List<Long>> unstored(Set<Integer> partitions) {
    return Future.succeededFuture(List.of());
  }
}
