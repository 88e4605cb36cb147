package io.leadrouter.rotation;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Immutable snapshot of a rotation: what replies and the store carry. {@code position} indexes the schedule
 * built from {@code members}; {@code sequence} is the number of the last pick handed out (0 before the first).
 *
 * <p>Settings: {@code timeZone} (cap periods; UTC by default), {@code catchUp} (owed turns are repaid, see
 * {@link Rotation}), {@code fallback} (null: none), {@code followsTeam} (membership follows {@code teamId}).
 * Progress: {@code position}, {@code sequence} and the {@link Ledger} (cap counts, owed turns) change with
 * every pick and are persisted and replicated together.
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
    String updatedBy,
    ZoneId timeZone,
    boolean catchUp,
    Fallback fallback,
    boolean followsTeam,
    Ledger ledger) {

  public RotationState {
    members = List.copyOf(members);
    timeZone = timeZone == null ? ZoneOffset.UTC : timeZone;
    ledger = ledger == null ? Ledger.EMPTY : ledger;
  }

  /** Defaults for the settings: UTC, no catch-up, no fallback, not following a team, an empty ledger. */
  public RotationState(long id, String accountId, String name, Status status, Long teamId, List<Member> members,
      int position, long sequence, Instant createdAt, Instant updatedAt, String createdBy, String updatedBy) {
    this(id, accountId, name, status, teamId, members, position, sequence, createdAt, updatedAt, createdBy,
        updatedBy, ZoneOffset.UTC, false, null, false, Ledger.EMPTY);
  }

  public RotationState withProgress(int position, long sequence) {
    return withProgress(position, sequence, ledger);
  }

  public RotationState withProgress(int position, long sequence, Ledger ledger) {
    return new RotationState(id, accountId, name, status, teamId, members, position, sequence,
        createdAt, updatedAt, createdBy, updatedBy, timeZone, catchUp, fallback, followsTeam, ledger);
  }

  public RotationState withStatus(Status status, Instant updatedAt, String updatedBy) {
    return new RotationState(id, accountId, name, status, teamId, members, position, sequence,
        createdAt, updatedAt, createdBy, updatedBy, timeZone, catchUp, fallback, followsTeam, ledger);
  }

  public RotationState withSettings(ZoneId timeZone, boolean catchUp, Fallback fallback, boolean followsTeam) {
    return new RotationState(id, accountId, name, status, teamId, members, position, sequence,
        createdAt, updatedAt, createdBy, updatedBy, timeZone, catchUp, fallback, followsTeam, ledger);
  }
}
