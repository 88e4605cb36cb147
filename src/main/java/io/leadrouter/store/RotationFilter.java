package io.leadrouter.store;

import io.leadrouter.rotation.Status;

/** Filter and page of {@code GET /lead-rotations}; null fields do not filter. */
public record RotationFilter(Status status, Long teamId, int limit, int offset) {}
