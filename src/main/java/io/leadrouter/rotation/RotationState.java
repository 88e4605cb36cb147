package io.leadrouter.rotation;

import java.time.Instant;
import java.util.List;

/**
 * Immutable snapshot of a rotation: what replies and the store carry. {@code position} indexes the schedule
 * built from {@code members}; {@code sequence} is the number of the last pick handed out (0 before the first).
 */
public record RotationState(
    long id,
    String accountId,
    String name,
    Status status,
    Long teamId,
    List<Member> members,
    int position,
    long sequence,
    Instant createdAt,
    Instant updatedAt,
    String createdBy,
    String updatedBy) {

  public RotationState {
    members = List.copyOf(members);
  }

  public RotationState withProgress(int position, long sequence) {
    return new RotationState(id, accountId, name, status, teamId, members, position, sequence,
        createdAt, updatedAt, createdBy, updatedBy);
  }
}
