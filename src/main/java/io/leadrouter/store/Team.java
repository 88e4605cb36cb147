package io.leadrouter.store;

import java.time.Instant;
import java.util.List;

/** A team of directory users; rotations may be built from a team. */
public record Team(long id, String accountId, String name, boolean active, List<TeamMember> members,
    Instant createdAt, Instant updatedAt, String createdBy, String updatedBy) {

  public Team {
    members = List.copyOf(members);
  }

  public record TeamMember(long userId, String email, String name) {}
}
