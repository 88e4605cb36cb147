package io.leadrouter.cluster;

import com.hazelcast.partition.PartitionService;
import io.leadrouter.owner.Partitioner;

/**
 * Rotation id → Hazelcast partition: the partition of the rotation's key in the replica map, so the member
 * owning the partition hosts both the rotation's owner and the primary copy of its replica entry.
 */
final class HazelcastPartitioner implements Partitioner {

  private final PartitionService partitions;
  private final int count;

  HazelcastPartitioner(PartitionService partitions, int count) {
    this.partitions = partitions;
    this.count = count;
  }

  @Override
  public int partitionOf(long rotationId) {
    return partitions.getPartition(rotationId).getPartitionId();
  }

  @Override
  public int partitionCount() {
    return count;
  }
}
