package io.leadrouter.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.leadrouter.store.Assignment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The entry processors of the replica map. Each runs on the partition thread of its key, so one rotation's
 * operations are serialized; the same processor then runs on the backup (the default backup processor),
 * where the entry is in the same state, so it takes the same decision: a refused write changes neither copy.
 */
final class ReplicaOps {

  static final int OK = 0;
  static final int STALE_EPOCH = 1;
  static final int WRONG_SEQUENCE = 2;

  private ReplicaOps() {}

  /** Raises the epoch (creating an unseeded entry when there is none) and returns a copy of the entry. */
  static final class Claim implements EntryProcessor<Long, ReplicaEntry, Claimed>, IdentifiedDataSerializable {

    @Override
    public Claimed process(Map.Entry<Long, ReplicaEntry> entry) {
      ReplicaEntry e = entry.getValue();
      if (e == null) {
        e = new ReplicaEntry();
      }
      e.epoch++;
      entry.setValue(e);
      return new Claimed(e.epoch, e.sequence, e.position, e.scheduleKey, e.ledger, new ArrayList<>(e.pending));
    }

    @Override
    public int getFactoryId() {
      return ReplicaSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return ReplicaSerialization.CLAIM;
    }

    @Override
    public void writeData(ObjectDataOutput out) {
    }

    @Override
    public void readData(ObjectDataInput in) {
    }
  }

  /** Appends picks (or only a new position) if the caller still holds the epoch and continues the sequence. */
  static final class Append implements EntryProcessor<Long, ReplicaEntry, Integer>, IdentifiedDataSerializable {

    private long epoch;
    private long from;
    private long to;
    private int position;
    private long scheduleKey;
    private String ledger;
    private List<Assignment> rows;

    Append() {
    }

    /** {@code ledger}: the rotation's ledger after the picks, in {@code RotationJson}'s form (null: empty). */
    Append(long epoch, long from, long to, int position, long scheduleKey, String ledger, List<Assignment> rows) {
      this.epoch = epoch;
      this.from = from;
      this.to = to;
      this.position = position;
      this.scheduleKey = scheduleKey;
      this.ledger = ledger;
      this.rows = rows;
    }

    @Override
    public Integer process(Map.Entry<Long, ReplicaEntry> entry) {
      ReplicaEntry e = entry.getValue();
      if (e == null || e.epoch != epoch) {
        return STALE_EPOCH;
      }
      if (e.seeded() && e.sequence != from) {
        return WRONG_SEQUENCE;
      }
      e.pending.addAll(rows);
      e.sequence = to;
      e.position = position;
      e.scheduleKey = scheduleKey;
      e.ledger = ledger;
      entry.setValue(e);
      return OK;
    }

    @Override
    public int getFactoryId() {
      return ReplicaSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return ReplicaSerialization.APPEND;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeLong(epoch);
      out.writeLong(from);
      out.writeLong(to);
      out.writeInt(position);
      out.writeLong(scheduleKey);
      out.writeString(ledger);
      ReplicaEntry.writeRows(out, rows);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      epoch = in.readLong();
      from = in.readLong();
      to = in.readLong();
      position = in.readInt();
      scheduleKey = in.readLong();
      ledger = in.readString();
      rows = ReplicaEntry.readRows(in);
    }
  }

  /** Drops log entries up to a sequence (the store has them), if the caller still holds the epoch. */
  static final class Trim implements EntryProcessor<Long, ReplicaEntry, Void>, IdentifiedDataSerializable {

    private long epoch;
    private long upTo;

    Trim() {
    }

    Trim(long epoch, long upTo) {
      this.epoch = epoch;
      this.upTo = upTo;
    }

    @Override
    public Void process(Map.Entry<Long, ReplicaEntry> entry) {
      ReplicaEntry e = entry.getValue();
      if (e != null && e.epoch == epoch && !e.pending.isEmpty() && e.pending.get(0).sequence() <= upTo) {
        e.trim(upTo);
        entry.setValue(e);
      }
      return null;
    }

    @Override
    public int getFactoryId() {
      return ReplicaSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return ReplicaSerialization.TRIM;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeLong(epoch);
      out.writeLong(upTo);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      epoch = in.readLong();
      upTo = in.readLong();
    }
  }

  /** Removes the entry if the caller still holds the epoch. */
  static final class Forget implements EntryProcessor<Long, ReplicaEntry, Void>, IdentifiedDataSerializable {

    private long epoch;

    Forget() {
    }

    Forget(long epoch) {
      this.epoch = epoch;
    }

    @Override
    public Void process(Map.Entry<Long, ReplicaEntry> entry) {
      ReplicaEntry e = entry.getValue();
      if (e != null && e.epoch == epoch) {
        entry.setValue(null);
      }
      return null;
    }

    @Override
    public int getFactoryId() {
      return ReplicaSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return ReplicaSerialization.FORGET;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeLong(epoch);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      epoch = in.readLong();
    }
  }

  /** What {@link Claim} returns: a copy, never the stored entry itself. */
  static final class Claimed implements IdentifiedDataSerializable {

    long epoch;
    long sequence;
    int position;
    long scheduleKey;
    String ledger;
    List<Assignment> pending;

    Claimed() {
    }

    Claimed(long epoch, long sequence, int position, long scheduleKey, String ledger, List<Assignment> pending) {
      this.epoch = epoch;
      this.sequence = sequence;
      this.position = position;
      this.scheduleKey = scheduleKey;
      this.ledger = ledger;
      this.pending = pending;
    }

    @Override
    public int getFactoryId() {
      return ReplicaSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return ReplicaSerialization.CLAIMED;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeLong(epoch);
      out.writeLong(sequence);
      out.writeInt(position);
      out.writeLong(scheduleKey);
      out.writeString(ledger);
      ReplicaEntry.writeRows(out, pending);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      epoch = in.readLong();
      sequence = in.readLong();
      position = in.readInt();
      scheduleKey = in.readLong();
      ledger = in.readString();
      pending = ReplicaEntry.readRows(in);
    }
  }
}
