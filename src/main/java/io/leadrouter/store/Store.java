package io.leadrouter.store;

import io.leadrouter.leads.LeadStore;
import io.leadrouter.rotation.RotationState;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The storage port. Every method is asynchronous and never blocks the caller's event loop.
 *
 * <p>Configuration writes (create/save/delete of rotations, teams, users) complete only after they are
 * durable in the store. Picks reach the store through {@link #flush}, batched and coalesced by the owner's
 * write-behind; a flush is idempotent. Account scoping: every read by account returns only that account's
 * rows; rotation reads by id are scoped by the owner, which checks the account on every command.
 */
public interface Store {

  // ---- rotations --------------------------------------------------------------------------------------

  Future<RotationState> createRotation(NewRotation rotation);

  /** The rotation with this id, or a null result when there is none (or it was deleted). */
  Future<StoredRotation> loadRotation(long id);

  /** Write-through of configuration (name, team, members, status) together with position and sequence. */
  Future<Void> saveRotation(RotationState state);

  Future<Void> deleteRotation(long id);

  Future<Page<RotationState>> listRotations(String accountId, RotationFilter filter);

  /** Raises the reserved ceiling of a rotation's sequence numbers to at least {@code ceiling}; returns the stored one. */
  Future<Long> reserveSequences(long rotationId, long ceiling);

  /**
   * Gives back the unused part of a reservation after a clean stop: sets the ceiling to {@code sequence}
   * if the stored sequence already equals it (progress flushed). A rotation whose stored ceiling equals its
   * stored sequence stopped cleanly and resumes with no gap. Only a ceiling still at {@code expectedCeiling}
   * (the releasing owner's own reservation) is lowered: a newer owner's reservation is never given back.
   */
  Future<Void> releaseSequences(long rotationId, long sequence, long expectedCeiling);

  /** Applies one write-behind batch; idempotent (see {@link WriteBatch}). */
  Future<Void> flush(WriteBatch batch);

  // ---- assignment history (written behind: the newest picks appear within one flush interval) --------

  /**
   * Picks of a rotation, newest first (by pick time, then sequence). {@code userId}, {@code from}
   * (inclusive) and {@code to} (exclusive) filter when not null. Not scoped by account: check the rotation's
   * account first.
   */
  Future<Page<Assignment>> listAssignments(long rotationId, Long userId, Instant from, Instant to, int limit,
      int offset);

  /** Number of picks per user id in [from, to) (null bounds are open), ordered by user id. */
  Future<Map<Long, Long>> countPicksByUser(long rotationId, Instant from, Instant to);

  /** Deletes up to {@code limit} picks of the log made before {@code before} (retention); the number deleted. */
  Future<Integer> purgeAssignments(Instant before, int limit);

  // ---- users ------------------------------------------------------------------------------------------

  Future<User> createUser(String accountId, UserDraft draft, String actor);

  /** The user with this email (case-insensitive), or a null result. */
  Future<User> findUserByEmail(String accountId, String email);

  /** The leads part of the store (leads, ingest tokens, idempotency keys), on the same database. */
  LeadStore leads();

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

  /** Completes once the store answers (readiness); the in-memory store always does. */
  default Future<Void> ping() {
    return Future.succeededFuture();
  }

  Future<Void> close();
}
