package io.leadrouter.owner;

import io.leadrouter.rotation.Caps;
import io.leadrouter.rotation.Fallback;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.rotation.Status;
import io.leadrouter.store.RotationJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Codec for the owner's typed messages (commands and replies). Local delivery passes the immutable
 * record itself (no copy, no serialization); over the wire each record travels as a tagged JSON object.
 */
public final class RotationCodec implements MessageCodec<Object, Object> {

  public static final String NAME = "leadrouter-rotation";

  /**
   * A command that came over the wire without this cluster's signature: never run, refused by the owner that
   * receives it (see {@link CommandSigner}).
   */
  public record Unsigned(long rotationId, String reason) {}

  private final CommandSigner signer;

  /** A single node: nothing crosses a wire. */
  public RotationCodec() {
    this(null);
  }

  /**
   * A cluster member: every command it sends over the wire is signed with {@code signer}, and every command
   * arriving over the wire must carry this cluster's signature, else it decodes as {@link Unsigned}. (Messages
   * delivered within this process are the records themselves and come from this member.)
   */
  public RotationCodec(CommandSigner signer) {
    this.signer = signer;
  }

  @Override
  public void encodeToWire(Buffer buffer, Object o) {
    Buffer json = encode(o).toBuffer();
    buffer.appendInt(json.length());
    int from = buffer.length();
    buffer.appendBuffer(json);
    if (signer != null && o instanceof Rotation.Command) {
      // after the JSON, inside this message's body: the codec is the one place that sees these exact bytes on
      // both sides (a signature in the headers would have to be checked against a re-encoding)
      signer.sign(buffer, from, buffer.length());
    }
  }

  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    Object decoded;
    try {
      decoded = decode(new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length)));
    } catch (RuntimeException e) {
      if (signer == null) {
        throw e;
      }
      return new Unsigned(0, "not a command this member reads (" + e.getClass().getSimpleName() + ")");
    }
    if (signer != null && decoded instanceof Rotation.Command c) {
      String refused = signer.verify(buffer, pos + 4, pos + 4 + length);
      if (refused != null) {
        return new Unsigned(c.rotationId(), refused);
      }
    }
    return decoded;
  }

  @Override
  public Object transform(Object o) {
    return o; // records are immutable: safe to hand over as they are
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }

  // ---- JSON mapping -----------------------------------------------------------------------------------

  static JsonObject encode(Object o) {
    if (o instanceof Rotation.Get g) {
      return new JsonObject().put("t", "get").put("account", g.accountId()).put("id", g.rotationId());
    } else if (o instanceof Rotation.Pick p) {
      return new JsonObject().put("t", "pick").put("account", p.accountId()).put("id", p.rotationId())
          .put("request", p.requestId()).put("fallbackFrom", p.fallbackFrom());
    } else if (o instanceof Rotation.Update u) {
      return new JsonObject().put("t", "update").put("account", u.accountId()).put("id", u.rotationId())
          .put("name", u.name()).put("teamIdSet", u.teamIdSet()).put("teamId", u.teamId())
          .put("members", u.members() == null ? null : members(u.members())).put("actor", u.actor())
          .put("settings", u.settings() == null ? null : settings(u.settings()));
    } else if (o instanceof Rotation.PatchMember m) {
      return new JsonObject().put("t", "patchMember").put("account", m.accountId()).put("id", m.rotationId())
          .put("user", m.userId()).put("weight", m.weight()).put("paused", m.paused())
          .put("caps", m.caps() == null ? null : caps(m.caps())).put("actor", m.actor());
    } else if (o instanceof Rotation.Preview p) {
      return new JsonObject().put("t", "preview").put("account", p.accountId()).put("id", p.rotationId())
          .put("count", p.count());
    } else if (o instanceof Rotation.Explain e) {
      return new JsonObject().put("t", "explain").put("account", e.accountId()).put("id", e.rotationId());
    } else if (o instanceof Outlook r) {
      return OutlookJson.encode(r).put("t", "outlook").put("rotation", state(r.rotation()));
    } else if (o instanceof Rotation.ChangeStatus c) {
      return new JsonObject().put("t", "status").put("account", c.accountId()).put("id", c.rotationId())
          .put("status", c.status().name()).put("actor", c.actor());
    } else if (o instanceof Rotation.Delete d) {
      return new JsonObject().put("t", "delete").put("account", d.accountId()).put("id", d.rotationId())
          .put("actor", d.actor());
    } else if (o instanceof RotationState s) {
      return state(s).put("t", "state");
    } else if (o instanceof PickReply r) {
      Rotation.UserPicked p = r.picked();
      return new JsonObject().put("t", "picked").put("id", p.rotationId()).put("account", p.accountId())
          .put("sequence", p.sequence()).put("member", member(p.member())).put("position", p.position())
          .put("newPosition", p.newPosition()).put("next", member(p.nextMember()))
          .put("slots", p.totalSlots()).put("at", p.at().toString()).put("request", p.requestId())
          .put("skipped", RotationJson.skipped(p.skipped())).put("repayment", p.repayment())
          .put("fallbackFrom", p.fallbackFrom()).put("rotation", state(r.rotation()));
    }
    throw new IllegalArgumentException("no wire form for " + o.getClass().getName());
  }

  static Object decode(JsonObject j) {
    String account = j.getString("account");
    long id = j.getLong("id", 0L);
    return switch (j.getString("t")) {
      case "get" -> new Rotation.Get(account, id);
      case "pick" -> new Rotation.Pick(account, id, j.getString("request"), j.getLong("fallbackFrom"));
      case "update" -> new Rotation.Update(account, id, j.getString("name"), j.getBoolean("teamIdSet"),
          j.getLong("teamId"), j.getJsonArray("members") == null ? null : members(j.getJsonArray("members")),
          j.getString("actor"), j.getJsonObject("settings") == null ? null : settings(j.getJsonObject("settings")));
      case "patchMember" -> new Rotation.PatchMember(account, id, j.getLong("user"), j.getInteger("weight"),
          j.getBoolean("paused"), j.getJsonObject("caps") == null ? null : caps(j.getJsonObject("caps")),
          j.getString("actor"));
      case "preview" -> new Rotation.Preview(account, id, j.getInteger("count"));
      case "explain" -> new Rotation.Explain(account, id);
      case "outlook" -> OutlookJson.decode(j, state(j.getJsonObject("rotation")));
      case "status" -> new Rotation.ChangeStatus(account, id, Status.valueOf(j.getString("status")),
          j.getString("actor"));
      case "delete" -> new Rotation.Delete(account, id, j.getString("actor"));
      case "state" -> state(j);
      case "picked" -> new PickReply(new Rotation.UserPicked(id, account, j.getLong("sequence"),
          member(j.getJsonObject("member")), j.getInteger("position"), j.getInteger("newPosition"),
          member(j.getJsonObject("next")), j.getInteger("slots"), Instant.parse(j.getString("at")),
          j.getString("request"), RotationJson.skipped(j.getJsonArray("skipped")), j.getBoolean("repayment", false),
          j.getLong("fallbackFrom")), state(j.getJsonObject("rotation")));
      default -> throw new IllegalArgumentException("unknown message tag " + j.getString("t"));
    };
  }

  private static JsonObject state(RotationState s) {
    return new JsonObject().put("id", s.id()).put("account", s.accountId()).put("name", s.name())
        .put("status", s.status().name()).put("teamId", s.teamId()).put("members", members(s.members()))
        .put("position", s.position()).put("sequence", s.sequence())
        .put("createdAt", s.createdAt().toString()).put("updatedAt", s.updatedAt().toString())
        .put("createdBy", s.createdBy()).put("updatedBy", s.updatedBy())
        .put("settings", settings(new Rotation.Settings(s.timeZone(), s.catchUp(), s.fallback(), s.followsTeam())))
        .put("ledger", RotationJson.ledger(s.ledger()));
  }

  private static JsonObject settings(Rotation.Settings s) {
    Fallback f = s.fallback();
    return new JsonObject().put("timeZone", s.timeZone() == null ? null : RotationJson.zoneName(s.timeZone()))
        .put("catchUp", s.catchUp()).put("fallbackSet", s.fallbackSet())
        .put("fallbackRotation", f == null ? null : f.rotationId()).put("fallbackUser", f == null ? null : f.userId())
        .put("followsTeam", s.followsTeam());
  }

  private static Rotation.Settings settings(JsonObject j) {
    Long rotation = j.getLong("fallbackRotation");
    Long user = j.getLong("fallbackUser");
    Fallback f = rotation != null ? Fallback.rotation(rotation) : user != null ? Fallback.user(user) : null;
    String zone = j.getString("timeZone");
    return new Rotation.Settings(zone == null ? null : RotationJson.zone(zone), j.getBoolean("catchUp"), f,
        j.getBoolean("fallbackSet", true), j.getBoolean("followsTeam"));
  }

  private static RotationState state(JsonObject j) {
    Rotation.Settings set = settings(j.getJsonObject("settings"));
    return new RotationState(j.getLong("id"), j.getString("account"), j.getString("name"),
        Status.valueOf(j.getString("status")), j.getLong("teamId"), members(j.getJsonArray("members")),
        j.getInteger("position"), j.getLong("sequence"), Instant.parse(j.getString("createdAt")),
        Instant.parse(j.getString("updatedAt")), j.getString("createdBy"), j.getString("updatedBy"),
        set.timeZone(), set.catchUp(), set.fallback(), set.followsTeam(), RotationJson.ledger(j.getString("ledger")));
  }

  static JsonObject member(Member m) {
    return caps(m.caps()).put("userId", m.userId()).put("email", m.email()).put("name", m.name())
        .put("weight", m.weight()).put("paused", m.paused());
  }

  static Member member(JsonObject j) {
    return new Member(j.getLong("userId"), j.getString("email"), j.getString("name"), j.getInteger("weight"),
        j.getBoolean("paused", false), caps(j));
  }

  private static JsonObject caps(Caps c) {
    return new JsonObject().put("capHour", c.hour()).put("capDay", c.day()).put("capWeek", c.week());
  }

  private static Caps caps(JsonObject j) {
    Integer hour = j.getInteger("capHour");
    Integer day = j.getInteger("capDay");
    Integer week = j.getInteger("capWeek");
    return hour == null && day == null && week == null ? Caps.NONE : new Caps(hour, day, week);
  }

  private static JsonArray members(List<Member> members) {
    JsonArray a = new JsonArray();
    members.forEach(m -> a.add(member(m)));
    return a;
  }

  private static List<Member> members(JsonArray a) {
    List<Member> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      out.add(member(a.getJsonObject(i)));
    }
    return out;
  }
}
