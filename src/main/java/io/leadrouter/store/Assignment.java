package io.leadrouter.store;

import java.time.Instant;

/** One row of the assignment log: pick number {@code sequence} of a rotation went to {@code userId}. */
public record Assignment(long rotationId, String accountId, long sequence, long userId, String email,
    int position, Instant pickedAt, String requestId, String node) {}
