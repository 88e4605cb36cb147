package io.leadrouter.leads;

import java.time.Instant;

/**
 * An ingest token of a rotation: lead sources post with it instead of a JWT. Only a SHA-256 hash of the
 * secret is stored; {@code prefix} (its first characters) lets people tell tokens apart. Revoked when
 * {@code revokedAt} is set.
 */
public record GroupToken(long id, String accountId, long rotationId, String name, String prefix, Instant createdAt,
    String createdBy, Instant revokedAt, String revokedBy) {

  public boolean revoked() {
    return revokedAt != null;
  }
}
