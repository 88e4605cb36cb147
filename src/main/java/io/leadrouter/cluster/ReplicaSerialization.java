package io.leadrouter.cluster;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/** Hazelcast serialization of the replica map's values and entry processors (no reflection, no Java serialization). */
final class ReplicaSerialization implements DataSerializableFactory {

  /** Any id unused by Hazelcast and Vert.x ("LR" in ASCII). */
  static final int FACTORY_ID = 0x4c52;
  static final int ENTRY = 1;
  static final int CLAIM = 2;
  static final int APPEND = 3;
  static final int TRIM = 4;
  static final int FORGET = 5;
  static final int CLAIMED = 6;
  static final int HAS_PENDING = 7;

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    return switch (typeId) {
      case ENTRY -> new ReplicaEntry();
      case CLAIM -> new ReplicaOps.Claim();
      case APPEND -> new ReplicaOps.Append();
      case TRIM -> new ReplicaOps.Trim();
      case FORGET -> new ReplicaOps.Forget();
      case CLAIMED -> new ReplicaOps.Claimed();
      case HAS_PENDING -> new HasPending();
      default -> null;
    };
  }
}
