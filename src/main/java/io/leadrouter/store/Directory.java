package io.leadrouter.store;

import io.vertx.core.Future;
import java.util.List;

/**
 * The people of an account: users (with roles) and teams. Writes complete once durable; every read is
 * scoped by account. Rotations keep a snapshot of their members, so the owners never read the directory.
 */
public interface Directory {

  // ---- users ------------------------------------------------------------------------------------------

  Future<User> createUser(String accountId, UserDraft draft, String actor);

  /** The user with this email (case-insensitive), or a null result. */
  Future<User> findUserByEmail(String accountId, String email);

  /** The user, or a null result when the account has no such user. */
  Future<User> getUser(String accountId, long id);

  Future<Page<User>> listUsers(String accountId, int limit, int offset);

  /** Fails NOT_FOUND when absent, CONFLICT when the new email is taken. */
  Future<User> updateUser(String accountId, long id, UserDraft draft, String actor);

  /** Fails NOT_FOUND when absent, CONFLICT while a rotation or team still names the user. */
  Future<Void> deleteUser(String accountId, long id);

  /**
   * Resolves member references in order: by id (a null entry in the result when the account has no such
   * user), else by email (case-insensitive), creating a directory user for an unknown email.
   */
  Future<List<User>> resolveUsers(String accountId, List<UserRef> refs, String actor);

  // ---- teams ------------------------------------------------------------------------------------------

  Future<Team> createTeam(String accountId, TeamDraft draft, String actor);

  Future<Team> getTeam(String accountId, long id);

  Future<Page<Team>> listTeams(String accountId, int limit, int offset);

  Future<Team> updateTeam(String accountId, long id, TeamDraft draft, String actor);

  /** Fails NOT_FOUND when absent, CONFLICT while a rotation still uses the team. */
  Future<Void> deleteTeam(String accountId, long id);
}
