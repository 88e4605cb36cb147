package io.leadrouter.store;

import io.leadrouter.rotation.RotationState;

/**
 * A rotation as loaded from the store. {@code sequenceCeiling} is the highest sequence number reserved for
 * this rotation so far (hi/lo): an owner may hand out numbers up to it without asking the store, and a new
 * owner after a crash starts above it, so a crash costs a gap, never a repeat.
 */
public record StoredRotation(RotationState state, long sequenceCeiling) {}
