package io.leadrouter.leads;

import java.time.Instant;

/**
 * The pick made for an Idempotency-Key, recorded with the key before anything else is written for it: a
 * retry of a request that picked but could not finish (store failure, crash) finishes with this pick
 * instead of making another one.
 */
public record RecordedPick(long rotationId, long sequence, long userId, String email, String name, Instant at) {}
