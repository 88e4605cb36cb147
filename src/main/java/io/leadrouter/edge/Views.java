package io.leadrouter.edge;

import io.leadrouter.owner.Outlook;
import io.leadrouter.owner.PickReply;
import io.leadrouter.rotation.Caps;
import io.leadrouter.rotation.Fallback;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.MemberView;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.store.Page;
import io.leadrouter.store.RotationJson;
import io.leadrouter.store.Team;
import io.leadrouter.store.User;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.function.Function;

/**
 * JSON shapes of the API, field for field as the seeds name and type them (LeadRotation, Team, TeamMember,
 * NextUserResponse with its TicketRotation and UserRotationMember), plus the documented extras
 * ({@code members}, {@code sequence}).
 */
public final class Views {

  private Views() {}

  /** LeadRotation; {@code team} is included when the rotation has one. */
  public static JsonObject rotation(RotationState s, Team team) {
    JsonArray emails = new JsonArray();
    s.members().forEach(m -> emails.add(m.email()));
    JsonObject o = new JsonObject()
        .put("id", s.id())
        .put("name", s.name())
        .put("accountId", s.accountId())
        .put("status", s.status().wire())
        .put("userRotationArray", emails)
        .put("currentPosition", s.position())
        .put("createdAt", instant(s.createdAt()))
        .put("updatedAt", instant(s.updatedAt()))
        .put("createdBy", s.createdBy())
        .put("updatedBy", s.updatedBy())
        .put("members", members(s))
        .put("sequence", s.sequence())
        .put("timeZone", RotationJson.zoneName(s.timeZone()))
        .put("catchUp", s.catchUp())
        .put("fallback", fallback(s.fallback()))
        .put("followsTeam", s.followsTeam());
    if (s.teamId() != null) {
      o.put("teamId", s.teamId()); // absent, not null, when there is none (the seed's teamId is an integer)
    }
    if (team != null) {
      o.put("team", team(team));
    }
    return o;
  }

  private static JsonArray members(RotationState s) {
    JsonArray a = new JsonArray();
    s.members().forEach(m -> a.add(member(m)));
    return a;
  }

  /** UserRotationMember: userId is a string in this schema; {@code caps} holds the limits that are set. */
  static JsonObject member(Member m) {
    return new JsonObject().put("userId", String.valueOf(m.userId())).put("email", m.email())
        .put("name", m.name()).put("weight", m.weight()).put("paused", m.paused()).put("caps", caps(m.caps()));
  }

  static JsonObject caps(Caps c) {
    JsonObject o = new JsonObject();
    if (c.hour() != null) {
      o.put("hour", c.hour());
    }
    if (c.day() != null) {
      o.put("day", c.day());
    }
    if (c.week() != null) {
      o.put("week", c.week());
    }
    return o;
  }

  /** {@code {"rotationId": n}}, {@code {"userId": n}} or null. */
  static JsonObject fallback(Fallback f) {
    if (f == null) {
      return null;
    }
    return f.rotationId() != null ? new JsonObject().put("rotationId", f.rotationId())
        : new JsonObject().put("userId", f.userId());
  }

  /** {@code [{"userId": 7, "reason": "away"}]}: the members a pick passed over (userId a number). */
  public static JsonArray skipped(List<Rotation.Skip> skipped) {
    return RotationJson.skipped(skipped);
  }

  public static JsonObject team(Team t) {
    JsonArray members = new JsonArray();
    t.members().forEach(m -> members.add(new JsonObject().put("userId", m.userId()).put("email", m.email())
        .put("name", m.name())));
    return new JsonObject()
        .put("id", t.id())
        .put("account_id", t.accountId())
        .put("accountId", t.accountId())
        .put("name", t.name())
        .put("active", t.active())
        .put("members", members)
        .put("createdBy", t.createdBy())
        .put("updatedBy", t.updatedBy())
        .put("createdAt", instant(t.createdAt()))
        .put("updatedAt", instant(t.updatedAt()));
  }

  public static JsonObject user(User u) {
    return new JsonObject()
        .put("id", u.id())
        .put("accountId", u.accountId())
        .put("email", u.email())
        .put("name", u.name())
        .put("roles", new JsonArray(u.roles()))
        .put("active", u.active())
        .put("createdAt", instant(u.createdAt()))
        .put("updatedAt", instant(u.updatedAt()))
        .put("createdBy", u.createdBy())
        .put("updatedBy", u.updatedBy())
        .put("timeZone", u.timeZone().getId())
        // null, not absent, when always available / not away: the fields are always there to read
        .put("workingHours", u.workingHours() == null ? null : new JsonObject(new LinkedHashMap<>(u.workingHours().toMap())))
        .put("awayUntil", u.awayUntil() == null ? null : instant(u.awayUntil()));
  }

  /**
   * NextUserResponse. {@code currentPosition} is the slot this pick used, {@code newPosition} the one after
   * it, {@code nextUser} whom the following call gets (if nothing changes in between). GET next-user writes
   * the same bytes without this tree ({@link NextUserJson}): a change here is a change there.
   */
  public static JsonObject nextUser(PickReply reply) {
    Rotation.UserPicked p = reply.picked();
    RotationState s = reply.rotation();
    Member m = p.member();
    JsonObject o = new JsonObject()
        .put("user", user(m))
        .put("rotationId", String.valueOf(p.rotationId()))
        .put("newPosition", p.newPosition())
        .put("totalUsers", s.members().size())
        .put("currentUser", m.email())
        .put("nextUser", p.nextMember().email())
        .put("rotation", ticketRotation(s))
        .put("currentPosition", p.position())
        .put("sequence", p.sequence())
        .put("skipped", skipped(p.skipped()));
    if (p.fallbackFrom() != null) {
      o.put("fallbackFrom", p.fallbackFrom()); // this rotation had nobody eligible; rotationId is whose pick it is
    }
    return o;
  }

  /** The picked {@code user} of a NextUserResponse. */
  static JsonObject user(Member m) {
    return new JsonObject().put("id", m.userId()).put("email", m.email()).put("name", m.name())
        .put("userId", String.valueOf(m.userId())).put("weight", m.weight());
  }

  /** GET .../preview: the next picks as the rotation stands, each with whom it passes over. */
  public static JsonObject preview(Outlook o) {
    JsonArray picks = new JsonArray();
    for (Rotation.Planned p : o.planned()) {
      Member m = p.member();
      JsonObject pick = new JsonObject().put("user", new JsonObject().put("id", m.userId()).put("email", m.email())
          .put("name", m.name())).put("skipped", skipped(p.skipped())).put("repayment", p.repayment());
      if (p.fallbackFrom() != null) { // nobody here is eligible: the fallback's pick (rotationId: whose pick)
        pick.put("rotationId", p.rotationId()).put("fallbackFrom", p.fallbackFrom());
      }
      picks.add(pick);
    }
    return new JsonObject().put("rotationId", o.rotation().id()).put("picks", picks);
  }

  /** GET .../members: each member's settings, cap counts, owed turns and eligibility now. */
  public static JsonObject memberViews(Outlook o) {
    JsonArray members = new JsonArray();
    for (MemberView v : o.members()) {
      Member m = v.member();
      members.add(new JsonObject().put("userId", m.userId()).put("email", m.email()).put("name", m.name())
          .put("weight", m.weight()).put("paused", m.paused()).put("caps", caps(m.caps()))
          .put("counts", new JsonObject().put("hour", v.counts().hour()).put("day", v.counts().day())
              .put("week", v.counts().week()))
          .put("owed", v.owed()).put("eligibleNow", v.eligible())
          .put("reason", v.reason() == null ? null : v.reason().wire())
          .put("nextEligibleAt", v.nextEligible() == null ? null : instant(v.nextEligible())));
    }
    return new JsonObject().put("rotationId", o.rotation().id()).put("members", members);
  }

  /** TicketRotation as embedded in NextUserResponse: members as objects with weights. */
  private static JsonObject ticketRotation(RotationState s) {
    return new JsonObject()
        .put("id", s.id())
        .put("uniqueId", String.valueOf(s.id()))
        .put("accountId", s.accountId())
        .put("name", s.name())
        .put("ticketTypeId", "lead")
        .put("status", s.status().wire())
        .put("userRotationArray", members(s))
        .put("currentPosition", s.position())
        .put("createdAt", instant(s.createdAt()))
        .put("updatedAt", instant(s.updatedAt()))
        .put("createdBy", s.createdBy())
        .put("updatedBy", s.updatedBy());
  }

  /**
   * An instant as every view renders it: ISO-8601 at microsecond precision at most, what Postgres keeps, so
   * a value reads the same whether it comes from an owner's memory, the store, or a restarted node.
   */
  public static String instant(Instant at) {
    return at.truncatedTo(ChronoUnit.MICROS).toString();
  }

  public static <T> JsonObject page(Page<T> page, Function<T, JsonObject> view) {
    JsonArray items = new JsonArray();
    page.items().forEach(i -> items.add(view.apply(i)));
    return new JsonObject().put("items", items).put("total", page.total()).put("limit", page.limit())
        .put("offset", page.offset());
  }
}
