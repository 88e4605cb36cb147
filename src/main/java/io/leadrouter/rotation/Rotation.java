package io.leadrouter.rotation;

import io.leadrouter.error.ErrorKind;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rotation entity: its state, the commands it accepts, the events it emits and the replies it gives.
 *
 * <p>Single-threaded by contract: exactly one owner (a partition owner verticle) calls {@link #decide} and
 * {@link #apply}, one command at a time, so there is no lock here. {@code decide} never changes state; an
 * invalid command yields a {@link Rejection} and nothing changes. {@code apply} is the only mutator.
 *
 * <p>Durability (see README, "Durability"): a {@link UserPicked} reply is sent once the event is applied in
 * memory and queued for write-behind; position, sequence and the assignment row reach the store within one
 * flush interval. Configuration events ({@link RotationUpdated}, {@link StatusChanged},
 * {@link RotationDeleted}) are applied only after the store has committed them.
 */
public final class Rotation {

  // ---- commands ---------------------------------------------------------------------------------------

  public sealed interface Command permits Get, Pick, Update, ChangeStatus, Delete {
    String accountId();

    long rotationId();
  }

  public record Get(String accountId, long rotationId) implements Command {}

  public record Pick(String accountId, long rotationId, String requestId) implements Command {}

  /** Replaces the fields that are present: {@code name} and {@code members} when non-null, teamId when {@code teamIdSet}. */
  public record Update(String accountId, long rotationId, String name, boolean teamIdSet, Long teamId,
      List<Member> members, String actor) implements Command {}

  public record ChangeStatus(String accountId, long rotationId, Status status, String actor) implements Command {}

  public record Delete(String accountId, long rotationId, String actor) implements Command {}

  // ---- events -----------------------------------------------------------------------------------------

  public sealed interface Event permits UserPicked, RotationUpdated, StatusChanged, RotationDeleted {}

  /**
   * A pick: {@code member} was handed out at schedule slot {@code position} with number {@code sequence};
   * the rotation now stands at {@code newPosition}, where {@code nextMember} waits.
   */
  public record UserPicked(long rotationId, String accountId, long sequence, Member member, int position,
      int newPosition, Member nextMember, int totalSlots, Instant at, String requestId) implements Event {}

  public record RotationUpdated(RotationState next) implements Event {}

  public record StatusChanged(RotationState next) implements Event {}

  public record RotationDeleted(long rotationId, String accountId, String actor, Instant at) implements Event {}

  // ---- rejections -------------------------------------------------------------------------------------

  /** Why a command was refused, with the error kind a client sees. */
  public enum Reason {
    NOT_FOUND(ErrorKind.NOT_FOUND), CONFLICT(ErrorKind.CONFLICT), INVALID(ErrorKind.INVALID);

    private final ErrorKind error;

    Reason(ErrorKind error) {
      this.error = error;
    }

    public ErrorKind error() {
      return error;
    }
  }

  /** A command that was refused; nothing changed. */
  public record Rejection(Reason reason, String message) {}

  /** Outcome of {@link #decide}: exactly one of {@code event} and {@code rejection} is set. */
  public record Decision(Event event, Rejection rejection) {
    static Decision accept(Event e) {
      return new Decision(e, null);
    }

    static Decision reject(Reason reason, String message) {
      return new Decision(null, new Rejection(reason, message));
    }

    public boolean accepted() {
      return event != null;
    }
  }

  // ---- state ------------------------------------------------------------------------------------------

  private RotationState state;
  private Schedule schedule;
  private boolean deleted;

  public Rotation(RotationState state) {
    this.schedule = Schedule.ofMembers(state.members());
    int position = schedule.isEmpty() ? 0 : Math.floorMod(state.position(), schedule.length());
    this.state = state.withProgress(position, state.sequence());
  }

  public RotationState state() {
    return state;
  }

  public boolean deleted() {
    return deleted;
  }

  /** {@code now} is kept at microsecond precision, what Postgres keeps: memory and store agree on instants. */
  public Decision decide(Command command, Instant at) {
    Instant now = at.truncatedTo(ChronoUnit.MICROS);
    if (deleted || !state.accountId().equals(command.accountId())) {
      return Decision.reject(Reason.NOT_FOUND, "rotation " + command.rotationId() + " not found");
    }
    // Java 17 has no pattern switch; the sealed hierarchy keeps this chain exhaustive by review
    if (command instanceof Pick p) {
      return decidePick(p, now);
    } else if (command instanceof Update u) {
      return decideUpdate(u, now);
    } else if (command instanceof ChangeStatus c) {
      return Decision.accept(new StatusChanged(new RotationState(state.id(), state.accountId(),
          state.name(), c.status(), state.teamId(), state.members(), state.position(), state.sequence(),
          state.createdAt(), now, state.createdBy(), c.actor())));
    } else if (command instanceof Delete d) {
      return Decision.accept(new RotationDeleted(state.id(), state.accountId(), d.actor(), now));
    }
    return Decision.reject(Reason.INVALID, "Get is answered from state(), not decided");
  }

  private Decision decidePick(Pick pick, Instant now) {
    if (state.status() != Status.ACTIVE) {
      return Decision.reject(Reason.CONFLICT,
          "rotation " + state.id() + " is " + state.status().wire() + "; only active rotations hand out users");
    }
    if (schedule.isEmpty()) {
      return Decision.reject(Reason.CONFLICT, "rotation " + state.id() + " has no members");
    }
    int position = state.position();
    int newPosition = position + 1 == schedule.length() ? 0 : position + 1;
    List<Member> members = state.members();
    return Decision.accept(new UserPicked(state.id(), state.accountId(), state.sequence() + 1,
        members.get(schedule.memberAt(position)), position, newPosition,
        members.get(schedule.memberAt(newPosition)), schedule.length(), now, pick.requestId()));
  }

  private Decision decideUpdate(Update u, Instant now) {
    List<Member> members = u.members() == null ? state.members() : u.members();
    Schedule next = Schedule.ofMembers(members);
    int position = u.members() == null ? state.position() : continuePosition(next, members);
    RotationState s = new RotationState(state.id(), state.accountId(),
        u.name() == null ? state.name() : u.name(), state.status(),
        u.teamIdSet() ? u.teamId() : state.teamId(), members, position, state.sequence(),
        state.createdAt(), now, state.createdBy(), u.actor());
    return Decision.accept(new RotationUpdated(s));
  }

  /**
   * Where picking resumes in {@code next} after a membership or weight edit: right after the slot of the
   * most recently picked member that is still present (its k-th occurrence, k counted within the current
   * cycle, capped by its slots in the new schedule). Never restarts the cycle unless nothing was picked yet
   * or no recently picked member survived.
   */
  private int continuePosition(Schedule next, List<Member> nextMembers) {
    if (next.isEmpty() || schedule.isEmpty() || state.sequence() == 0) {
      return 0;
    }
    Map<Long, Integer> nextIndex = new HashMap<>();
    for (int i = 0; i < nextMembers.size(); i++) {
      nextIndex.put(nextMembers.get(i).userId(), i);
    }
    int length = schedule.length();
    // walk back from the last pick to the most recent member that survived the edit
    for (int back = 1; back <= length; back++) {
      int slot = Math.floorMod(state.position() - back, length);
      Member picked = state.members().get(schedule.memberAt(slot));
      Integer survivor = nextIndex.get(picked.userId());
      if (survivor != null) {
        int k = schedule.occurrencesBefore(schedule.memberAt(slot), slot + 1);
        int available = next.occurrencesBefore(survivor, next.length());
        int at = next.occurrence(survivor, Math.min(k, available));
        return at + 1 == next.length() ? 0 : at + 1;
      }
    }
    return 0;
  }

  public void apply(Event event) {
    if (event instanceof UserPicked p) {
      state = state.withProgress(p.newPosition(), p.sequence());
    } else if (event instanceof RotationUpdated u) {
      state = u.next();
      schedule = Schedule.ofMembers(state.members());
    } else if (event instanceof StatusChanged c) {
      state = c.next();
    } else if (event instanceof RotationDeleted) {
      deleted = true;
    }
  }
}
