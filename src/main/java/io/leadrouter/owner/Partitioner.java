package io.leadrouter.owner;

/**
 * Maps a rotation id to its partition, and a partition to the event-bus address of its owner.
 * Single-node mode hashes the id; cluster mode (Hazelcast) supplies the partition service's answer.
 */
public interface Partitioner {

  String ADDRESS_PREFIX = "leadrouter.partition.";

  int partitionOf(long rotationId);

  int partitionCount();

  /** Where a cluster member's owner {@code index} takes the commands of every partition it hosts. */
  String OWNER_PREFIX = "leadrouter.owner.";

  static String ownerAddress(String nodeId, int index) {
    return OWNER_PREFIX + nodeId + "." + index;
  }

  /**
   * The same String instance for a partition every time (below {@link Addresses#CACHED}): the event bus
   * hashes the address of every message, and a String computes its hash once.
   */
  static String address(int partition) {
    if (partition < 0 || partition >= Addresses.CACHED) {
      return ADDRESS_PREFIX + partition;
    }
    String a = Addresses.BY_PARTITION[partition];
    if (a == null) { // a race only builds an equal String twice
      a = ADDRESS_PREFIX + partition;
      Addresses.BY_PARTITION[partition] = a;
    }
    return a;
  }

  /** The partitions' addresses, built on first use. */
  final class Addresses {
    static final int CACHED = 4096;
    private static final String[] BY_PARTITION = new String[CACHED];

    private Addresses() {}
  }

  /** Hash partitioning for single-node mode (a 64-bit finalizer spreads sequential ids evenly). */
  static Partitioner hashing(int partitions) {
    return new Partitioner() {
      @Override
      public int partitionOf(long rotationId) {
        long h = rotationId;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return (int) Math.floorMod(h, (long) partitions);
      }

      @Override
      public int partitionCount() {
        return partitions;
      }
    };
  }
}
