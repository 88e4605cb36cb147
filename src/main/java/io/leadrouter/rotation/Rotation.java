package io.leadrouter.rotation;

import io.leadrouter.error.ErrorKind;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
 *
 * <p><b>Eligibility.</b> A member is eligible for a pick when its user is active, the member is not paused,
 * the user is not away ({@code now < awayUntil}), {@code now} is inside the user's working hours (in the
 * user's time zone) and the member is under every cap (picks in this rotation in the current clock hour,
 * calendar day and ISO week of the rotation's time zone). The availability is handed in with each command
 * as a {@link DirectoryView}; a user it does not know is inactive. The reason reported for an ineligible
 * member is the first of {@code inactive, paused, away, outside_hours, cap_hour, cap_day, cap_week}.
 *
 * <p><b>The pick.</b> Starting at {@code position}, the schedule's slots are tried in cycle order; the first
 * slot whose member is eligible is used, every slot tried before it is reported in {@code skipped} (one
 * entry per slot), and the rotation then stands after the slot used. Nobody eligible in a whole cycle: the
 * pick is rejected as {@code no_eligible_member} with every member and its reason. The sequence is +1 per
 * accepted pick, whatever was skipped.
 *
 * <p><b>Catch-up</b> ({@code catchUp: true}). Each slot skipped because its member was away, paused or
 * outside working hours adds one owed turn to that member (a slot skipped for a cap or an inactive user
 * owes nothing; with {@code catchUp: false} nothing is owed). Before following the schedule, if the previous
 * pick was not a repayment, the eligible member with the most owed turns is picked as a repayment, ties
 * going to the member whose next slot comes first in cycle order from {@code position}; a repayment uses no
 * slot (the position stays), skips nobody and takes one owed turn off. So repayments never come two in a
 * row, and once everyone is eligible each member's picks equal its weight's share plus its owed turns.
 * Turning catch-up off, or removing a member, forgets its owed turns.
 */
public final class Rotation {

  // ---- commands ---------------------------------------------------------------------------------------

  public sealed interface Command permits Get, Pick, Update, PatchMember, ChangeStatus, Delete, Preview, Explain {
    String accountId();

    long rotationId();
  }

  public record Get(String accountId, long rotationId) implements Command {}

  /** Answered from {@link #preview}; {@link Explain} from {@link #members}. Neither is decided. */
  public record Preview(String accountId, long rotationId, int count) implements Command {}

  public record Explain(String accountId, long rotationId) implements Command {}

  /** {@code fallbackFrom}: the rotation whose fallback this pick is (null for a direct pick). */
  public record Pick(String accountId, long rotationId, String requestId, Long fallbackFrom) implements Command {
    public Pick(String accountId, long rotationId, String requestId) {
      this(accountId, rotationId, requestId, null);
    }
  }

  /** Replaces the fields that are present: {@code name} and {@code members} when non-null, teamId when {@code teamIdSet}. */
  public record Update(String accountId, long rotationId, String name, boolean teamIdSet, Long teamId,
      List<Member> members, String actor, Settings settings) implements Command {

    /** Settings unchanged. */
    public Update(String accountId, long rotationId, String name, boolean teamIdSet, Long teamId,
        List<Member> members, String actor) {
      this(accountId, rotationId, name, teamIdSet, teamId, members, actor, null);
    }
  }

  /**
   * One member's settings changed where present ({@code caps} {@link Caps#NONE} clears them), decided by the
   * owner on the state it holds, so that concurrent edits of different members all land.
   */
  public record PatchMember(String accountId, long rotationId, long userId, Integer weight, Boolean paused, Caps caps,
      String actor) implements Command {}

  /** The rotation's settings, replaced as a whole by an {@link Update} that carries them. */
  public record Settings(ZoneId timeZone, boolean catchUp, Fallback fallback, boolean followsTeam) {}

  public record ChangeStatus(String accountId, long rotationId, Status status, String actor) implements Command {}

  public record Delete(String accountId, long rotationId, String actor) implements Command {}

  // ---- events -----------------------------------------------------------------------------------------

  public sealed interface Event permits UserPicked, RotationUpdated, StatusChanged, RotationDeleted {}

  /**
   * A pick: {@code member} was handed out at schedule slot {@code position} with number {@code sequence};
   * the rotation now stands at {@code newPosition}, where {@code nextMember} waits.
   */
  public record UserPicked(long rotationId, String accountId, long sequence, Member member, int position,
      int newPosition, Member nextMember, int totalSlots, Instant at, String requestId, List<Skip> skipped,
      boolean repayment, Long fallbackFrom) implements Event {

    public UserPicked {
      skipped = skipped == null ? List.of() : skipped;
    }

    /** Nobody skipped, not a repayment, not a fallback. */
    public UserPicked(long rotationId, String accountId, long sequence, Member member, int position,
        int newPosition, Member nextMember, int totalSlots, Instant at, String requestId) {
      this(rotationId, accountId, sequence, member, position, newPosition, nextMember, totalSlots, at,
          requestId, List.of(), false, null);
    }
  }

  /** A member passed over, with why ({@code reason} null in {@link #explain}: eligible). */
  public record Skip(long userId, SkipReason reason) {}

  public record RotationUpdated(RotationState next) implements Event {}

  public record StatusChanged(RotationState next) implements Event {}

  public record RotationDeleted(long rotationId, String accountId, String actor, Instant at) implements Event {}

  // ---- rejections -------------------------------------------------------------------------------------

  /** Why a command was refused, with the error kind a client sees. */
  public enum Reason {
    NOT_FOUND(ErrorKind.NOT_FOUND, null), CONFLICT(ErrorKind.CONFLICT, null), INVALID(ErrorKind.INVALID, null),
    NO_ELIGIBLE_MEMBER(ErrorKind.CONFLICT, "no_eligible_member");

    private final ErrorKind error;
    private final String code;

    Reason(ErrorKind error, String code) {
      this.error = error;
      this.code = code;
    }

    public ErrorKind error() {
      return error;
    }

    /** The error code clients see: the kind's, unless the reason has its own. */
    public String code() {
      return code == null ? error.code() : code;
    }
  }

  /** A command that was refused; nothing changed. {@code members}: for no_eligible_member, each with its reason. */
  public record Rejection(Reason reason, String message, List<Skip> members) {
    public Rejection {
      members = members == null ? List.of() : members;
    }

    public Rejection(Reason reason, String message) {
      this(reason, message, List.of());
    }
  }

  /** Outcome of {@link #decide}: exactly one of {@code event} and {@code rejection} is set. */
  public record Decision(Event event, Rejection rejection) {
    static Decision accept(Event e) {
      return new Decision(e, null);
    }

    static Decision reject(Reason reason, String message) {
      return new Decision(null, new Rejection(reason, message));
    }

    static Decision reject(Reason reason, String message, List<Skip> members) {
      return new Decision(null, new Rejection(reason, message, members));
    }

    public boolean accepted() {
      return event != null;
    }
  }

  // ---- state ------------------------------------------------------------------------------------------

  private RotationState state;
  private Schedule schedule;
  private Picker picker;
  private boolean deleted;

  public Rotation(RotationState state) {
    this.schedule = Schedule.ofMembers(state.members());
    int position = schedule.isEmpty() ? 0 : Math.floorMod(state.position(), schedule.length());
    this.state = state.withProgress(position, state.sequence());
    this.picker = new Picker(this.state.members(), schedule, this.state.timeZone(), this.state.catchUp());
  }

  public RotationState state() {
    return state;
  }

  public boolean deleted() {
    return deleted;
  }

  /** As {@link #decide(Command, Instant, DirectoryView)} with every user active and always available. */
  public Decision decide(Command command, Instant at) {
    return decide(command, at, DirectoryView.EVERYONE);
  }

  /**
   * {@code now} is kept at microsecond precision, what Postgres keeps: memory and store agree on instants.
   * Changes no state (it may refresh the cached eligibility, which is not state).
   */
  public Decision decide(Command command, Instant at, DirectoryView directory) {
    Instant now = at.truncatedTo(ChronoUnit.MICROS);
    if (deleted || !state.accountId().equals(command.accountId())) {
      return Decision.reject(Reason.NOT_FOUND, "rotation " + command.rotationId() + " not found");
    }
    // Java 17 has no pattern switch; the sealed hierarchy keeps this chain exhaustive by review
    if (command instanceof Pick p) {
      return decidePick(p, now, directory);
    } else if (command instanceof Update u) {
      return decideUpdate(u, now);
    } else if (command instanceof PatchMember p) {
      List<Member> members = new ArrayList<>(state.members());
      for (int i = 0; i < members.size(); i++) {
        Member m = members.get(i);
        if (m.userId() == p.userId()) {
          members.set(i, m.withSettings(p.weight() == null ? m.weight() : p.weight(),
              p.paused() == null ? m.paused() : p.paused(), p.caps() == null ? m.caps() : p.caps()));
          return decideUpdate(new Update(p.accountId(), p.rotationId(), null, false, null, members, p.actor()), now);
        }
      }
      return Decision.reject(Reason.NOT_FOUND, "user " + p.userId() + " is not a member of rotation " + state.id());
    } else if (command instanceof ChangeStatus c) {
      return Decision.accept(new StatusChanged(state.withStatus(c.status(), now, c.actor())));
    } else if (command instanceof Delete d) {
      return Decision.accept(new RotationDeleted(state.id(), state.accountId(), d.actor(), now));
    }
    return Decision.reject(Reason.INVALID, "Get, Preview and Explain are answered, not decided");
  }

  private Decision decidePick(Pick pick, Instant now, DirectoryView directory) {
    if (state.status() != Status.ACTIVE) {
      return Decision.reject(Reason.CONFLICT,
          "rotation " + state.id() + " is " + state.status().wire() + "; only active rotations hand out users");
    }
    if (schedule.isEmpty()) {
      return Decision.reject(Reason.CONFLICT, "rotation " + state.id() + " has no members");
    }
    picker.refresh(now, directory);
    Picker.Choice c = picker.choose(state.position(), state.ledger(), now);
    if (c == null) {
      List<Skip> all = picker.explain(state.ledger(), now);
      return Decision.reject(Reason.NO_ELIGIBLE_MEMBER,
          "rotation " + state.id() + ": no member is eligible (" + Picker.describe(all) + ")", all);
    }
    List<Member> members = state.members();
    return Decision.accept(new UserPicked(state.id(), state.accountId(), state.sequence() + 1,
        members.get(c.member()), c.position(), c.newPosition(), members.get(schedule.memberAt(c.newPosition())),
        schedule.length(), now, pick.requestId(), c.skipped(), c.repayment(), pick.fallbackFrom()));
  }

  private Decision decideUpdate(Update u, Instant now) {
    List<Member> members = u.members() == null ? state.members() : u.members();
    Schedule next = Schedule.ofMembers(members);
    int position = u.members() == null ? state.position() : Schedule.continuePosition(schedule, state, next, members);
    Settings set = u.settings() != null ? u.settings()
        : new Settings(state.timeZone(), state.catchUp(), state.fallback(), state.followsTeam());
    Set<Long> kept = new HashSet<>();
    members.forEach(m -> kept.add(m.userId()));
    RotationState s = new RotationState(state.id(), state.accountId(),
        u.name() == null ? state.name() : u.name(), state.status(),
        u.teamIdSet() ? u.teamId() : state.teamId(), members, position, state.sequence(),
        state.createdAt(), now, state.createdBy(), u.actor(), set.timeZone(), set.catchUp(), set.fallback(),
        set.followsTeam(), state.ledger().retain(kept, set.catchUp()));
    return Decision.accept(new RotationUpdated(s));
  }

  // ---- preview and explain ----------------------------------------------------------------------------

  /**
   * A pick as it would be made: whose pick ({@code rotationId}), who, who was passed over, whether it repays an
   * owed turn, and the rotation first asked when it is a fallback's pick (else null).
   */
  public record Planned(long rotationId, Member member, List<Skip> skipped, boolean repayment, Long fallbackFrom) {

    public Planned asFallbackOf(long origin) {
      return new Planned(rotationId, member, skipped, repayment, origin);
    }
  }

  /**
   * Planned picks, and {@code stuck}: every member with its reason where nobody was eligible any more (the
   * plan is then shorter than asked), or null when the plan is complete.
   */
  public record Plan(List<Planned> picks, List<Skip> stuck) {}

  /**
   * The next {@code count} picks as the rotation stands at {@code now} (same eligibility, caps counting the
   * planned picks, owed turns repaid); fewer when nobody is eligible at some point (then the plan's
   * {@code stuck} says why; the owner adds a fallback's picks). Changes nothing: the first planned member is whom the next pick at {@code now} returns.
   */
  public Plan preview(int count, Instant now, DirectoryView directory) {
    if (deleted || state.status() != Status.ACTIVE || schedule.isEmpty()) {
      return new Plan(List.of(), null);
    }
    Instant at = now.truncatedTo(ChronoUnit.MICROS);
    picker.refresh(at, directory);
    return picker.preview(state.id(), count, state.position(), state.ledger(), at);
  }

  /** Every member as it stands at {@code now}, in member order. */
  public List<MemberView> members(Instant now, DirectoryView directory) {
    Instant at = now.truncatedTo(ChronoUnit.MICROS);
    picker.refresh(at, directory);
    return picker.views(state.ledger(), at, directory);
  }

  public void apply(Event event) {
    if (event instanceof UserPicked p) {
      Ledger ledger = picker.advance(state.ledger(), p.member(), p.skipped(), p.repayment(), p.at());
      state = state.withProgress(p.newPosition(), p.sequence(), ledger);
    } else if (event instanceof RotationUpdated u) {
      state = u.next();
      schedule = Schedule.ofMembers(state.members());
      picker = new Picker(state.members(), schedule, state.timeZone(), state.catchUp());
    } else if (event instanceof StatusChanged c) {
      state = c.next();
    } else if (event instanceof RotationDeleted) {
      deleted = true;
    }
  }
}
