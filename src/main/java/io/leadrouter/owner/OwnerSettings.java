package io.leadrouter.owner;

/**
 * Settings of the partition owners. {@code sequenceBlock} numbers are reserved in the store at a time
 * (a crash skips at most that many); {@code idleMillis} passivates rotations unused that long. {@code people}:
 * the directory as the owners see it (availability, current names); {@link People#EVERYONE} when not given.
 * {@code ackOnCommit} (single node, setting {@code ack=commit}): a pick is answered once the store has
 * committed its log row, instead of once it is queued.
 */
public record OwnerSettings(int owners, int writeBufferMax, int flushBatch, long flushIntervalMs,
    int sequenceBlock, long idleMillis, String node, boolean clustered, People people, boolean ackOnCommit) {

  public OwnerSettings {
    people = people == null ? People.EVERYONE : people;
  }

  /** Everyone active and available ({@link People#EVERYONE}). */
  public OwnerSettings(int owners, int writeBufferMax, int flushBatch, long flushIntervalMs, int sequenceBlock,
      long idleMillis, String node, boolean clustered) {
    this(owners, writeBufferMax, flushBatch, flushIntervalMs, sequenceBlock, idleMillis, node, clustered,
        People.EVERYONE, false);
  }

  /** These settings with the owners seeing the directory through {@code people}. */
  public OwnerSettings withPeople(People people) {
    return new OwnerSettings(owners, writeBufferMax, flushBatch, flushIntervalMs, sequenceBlock, idleMillis, node,
        clustered, people, ackOnCommit);
  }

  /** These settings with picks answered once committed to the store ({@code true}) or once queued. */
  public OwnerSettings withAckOnCommit(boolean onCommit) {
    return new OwnerSettings(owners, writeBufferMax, flushBatch, flushIntervalMs, sequenceBlock, idleMillis, node,
        clustered, people, onCommit);
  }
}
