package io.leadrouter.store;

import java.time.Instant;
import java.util.List;

/** A person in an account's user directory. {@code roles} are agent roles (e.g. "loan-officer"). */
public record User(long id, String accountId, String email, String name, List<String> roles, boolean active,
    Instant createdAt, Instant updatedAt, String createdBy, String updatedBy) {

  public User {
    roles = List.copyOf(roles);
  }

  /** The name of a user created without one: the local part of the email. */
  public static String defaultName(String email) {
    int at = email.indexOf('@');
    return at > 0 ? email.substring(0, at) : email;
  }
}
