package io.leadrouter.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.store.Assignment;
import io.leadrouter.store.RotationJson;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The value of one rotation in the replica map: ownership epoch, progress after the last acknowledged
 * pick, and the log entries of the picks the store does not have yet (oldest first). {@code sequence} is
 * -1 while unseeded (claimed, but no progress recorded yet). Mutated only by the entry processors in
 * {@link ReplicaOps}, on the partition thread of its key, identically on the primary and the backup.
 */
final class ReplicaEntry implements IdentifiedDataSerializable {

  long epoch;
  long sequence = -1;
  int position;
  long scheduleKey;
  /** Cap counts and owed turns after the last acknowledged pick ({@code RotationJson}'s form; null: empty). */
  String ledger;
  ArrayList<Assignment> pending = new ArrayList<>();

  boolean seeded() {
    return sequence >= 0;
  }

  /** Drops the log entries up to {@code upTo} (they are oldest first). */
  void trim(long upTo) {
    int n = 0;
    while (n < pending.size() && pending.get(n).sequence() <= upTo) {
      n++;
    }
    if (n > 0) {
      pending.subList(0, n).clear();
    }
  }

  @Override
  public int getFactoryId() {
    return ReplicaSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return ReplicaSerialization.ENTRY;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(epoch);
    out.writeLong(sequence);
    out.writeInt(position);
    out.writeLong(scheduleKey);
    out.writeString(ledger);
    writeRows(out, pending);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    epoch = in.readLong();
    sequence = in.readLong();
    position = in.readInt();
    scheduleKey = in.readLong();
    ledger = in.readString();
    pending = readRows(in);
  }

  static void writeRows(ObjectDataOutput out, List<Assignment> rows) throws IOException {
    out.writeInt(rows.size());
    for (Assignment a : rows) {
      out.writeLong(a.rotationId());
      out.writeString(a.accountId());
      out.writeLong(a.sequence());
      out.writeLong(a.userId());
      out.writeString(a.email());
      out.writeInt(a.position());
      out.writeLong(a.pickedAt().getEpochSecond());
      out.writeInt(a.pickedAt().getNano());
      out.writeString(a.requestId());
      out.writeString(a.node());
      out.writeString(RotationJson.skippedText(a.skipped()));
      out.writeBoolean(a.repayment());
      out.writeLong(a.fallbackFrom() == null ? -1 : a.fallbackFrom());
    }
  }

  static ArrayList<Assignment> readRows(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    ArrayList<Assignment> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Assignment a = new Assignment(in.readLong(), in.readString(), in.readLong(), in.readLong(), in.readString(),
          in.readInt(), Instant.ofEpochSecond(in.readLong(), in.readInt()), in.readString(), in.readString());
      List<Rotation.Skip> skipped = RotationJson.skippedText(in.readString());
      boolean repayment = in.readBoolean();
      long fallbackFrom = in.readLong();
      rows.add(new Assignment(a.rotationId(), a.accountId(), a.sequence(), a.userId(), a.email(), a.position(),
          a.pickedAt(), a.requestId(), a.node(), skipped, repayment, fallbackFrom < 0 ? null : fallbackFrom));
    }
    return rows;
  }
}
