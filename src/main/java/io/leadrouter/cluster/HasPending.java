package io.leadrouter.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.query.Predicate;
import java.util.Map;

/** The query of the replica map for entries holding picks the store does not have yet. */
final class HasPending implements Predicate<Long, ReplicaEntry>, IdentifiedDataSerializable {

  @Override
  public boolean apply(Map.Entry<Long, ReplicaEntry> entry) {
    return entry.getValue() != null && !entry.getValue().pending.isEmpty();
  }

  @Override
  public int getFactoryId() {
    return ReplicaSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return ReplicaSerialization.HAS_PENDING;
  }

  @Override
  public void writeData(ObjectDataOutput out) {
  }

  @Override
  public void readData(ObjectDataInput in) {
  }
}
