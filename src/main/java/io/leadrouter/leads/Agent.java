package io.leadrouter.leads;

import java.time.Instant;
import java.util.List;

/** A user assigned to a lead; exactly one agent of a lead is primary (its owner). */
public record Agent(long userId, String email, String name, List<String> roles, boolean primary, Instant assignedAt) {

  public Agent {
    roles = List.copyOf(roles);
  }

  public Agent asPrimary(boolean p) {
    return new Agent(userId, email, name, roles, p, assignedAt);
  }
}
