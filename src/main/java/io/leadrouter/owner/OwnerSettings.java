package io.leadrouter.owner;

/**
 * Settings of the partition owners. {@code sequenceBlock} numbers are reserved in the store at a time
 * (a crash skips at most that many); {@code idleMillis} passivates rotations unused that long.
 */
public record OwnerSettings(int owners, int writeBufferMax, int flushBatch, long flushIntervalMs,
    int sequenceBlock, long idleMillis, String node, boolean clustered) {}
