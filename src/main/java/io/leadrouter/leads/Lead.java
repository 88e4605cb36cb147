package io.leadrouter.leads;

import java.time.Instant;
import java.util.Map;

/**
 * A stored lead: the seed's lead fields in {@code fields} (as sent, validated), the owner the rotation gave
 * it (or a later reassignment), and the pick that assigned it ({@code rotationId}, {@code sequence}).
 * {@code version} increases with every change (optimistic concurrency for reassignment).
 */
public record Lead(long id, String accountId, long rotationId, long sequence, long ownerUserId, String owner,
    Map<String, Object> fields, Instant createdAt, String createdBy, Instant updatedAt, String lastModifiedBy,
    long version) {

  public Lead {
    fields = Map.copyOf(fields);
  }

  /** The same lead with its owner's current email (as the directory has it now). */
  public Lead withOwner(String email) {
    return email == null || email.equals(owner) ? this : new Lead(id, accountId, rotationId, sequence, ownerUserId,
        email, fields, createdAt, createdBy, updatedAt, lastModifiedBy, version);
  }
}
