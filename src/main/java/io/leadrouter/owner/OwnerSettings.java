package io.leadrouter.owner;

/**
 * Settings of the partition owners. {@code sequenceBlock} numbers are reserved in the store at a time
 * (a crash skips at most that many); {@code idleMillis} passivates rotations unused that long. {@code people}:
 * the directory as the owners see it (availability, current names); {@link People#EVERYONE} when not given.
 */
public record OwnerSettings(int owners, int writeBufferMax, int flushBatch, long flushIntervalMs,
    int sequenceBlock, long idleMillis, String node, boolean clustered, People people) {

  public OwnerSettings {
    people = people == null ? People.EVERYONE : people;
  }

  /** Everyone active and available ({@link People#EVERYONE}). */
  public OwnerSettings(int owners, int writeBufferMax, int flushBatch, long flushIntervalMs, int sequenceBlock,
      long idleMillis, String node, boolean clustered) {
    this(owners, writeBufferMax, flushBatch, flushIntervalMs, sequenceBlock, idleMillis, node, clustered,
        People.EVERYONE);
  }

  /** These settings with the owners seeing the directory through {@code people}. */
  public OwnerSettings withPeople(People people) {
    return new OwnerSettings(owners, writeBufferMax, flushBatch, flushIntervalMs, sequenceBlock, idleMillis, node,
        clustered, people);
  }
}
