package io.leadrouter.leads;

import java.time.Instant;

/** Filter and page of {@code GET /v1/leads}; null fields do not filter. {@code from} inclusive, {@code to} exclusive. */
public record LeadFilter(Long ownerUserId, Long rotationId, Instant from, Instant to, int limit, int offset) {}
