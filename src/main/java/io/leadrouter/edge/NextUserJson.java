package io.leadrouter.edge;

import io.leadrouter.owner.PickReply;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.RotationState;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a NextUserResponse straight to bytes: the very bytes of {@code Views.nextUser(reply).toBuffer()}
 * (field order included; pinned by {@code NextUserJsonTest}), without a tree of JsonObjects per pick.
 *
 * <p>What a pick does not change is encoded once per rotation and kept: the embedded rotation around its
 * {@code currentPosition}, and each member's {@code user} object and email. Each piece is encoded by the same
 * JSON codec as the views (so escaping is the same), and is reused only while the rotation's snapshot holds
 * the same values it was built from: an edit (members, name, status, times, authors) gives new fragments. One instance per HTTP verticle, confined to its event loop: no locking.
 */
public final class NextUserJson {

  private static final int ROTATIONS = 1024;
  private static final byte[] USER = ascii("{\"user\":");
  private static final byte[] ROTATION_ID = ascii(",\"rotationId\":\"");
  private static final byte[] NEW_POSITION = ascii("\",\"newPosition\":");
  private static final byte[] TOTAL_USERS = ascii(",\"totalUsers\":");
  private static final byte[] CURRENT_USER = ascii(",\"currentUser\":");
  private static final byte[] NEXT_USER = ascii(",\"nextUser\":");
  private static final byte[] CURRENT_POSITION = ascii(",\"currentPosition\":");
  private static final byte[] SEQUENCE = ascii(",\"sequence\":");
  private static final byte[] SKIPPED = ascii(",\"skipped\":");
  private static final byte[] FALLBACK_FROM = ascii(",\"fallbackFrom\":");

  /** The fragments of the rotations answered lately, by id (least recently used dropped first). */
  private final Map<Long, Fragments> rotations = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Fragments> eldest) {
      return size() > ROTATIONS;
    }
  };

  /** One member's {@code user} object and its email as a JSON string. */
  private record MemberBytes(byte[] user, byte[] email) {}

  /**
   * A rotation's fixed parts, valid for any snapshot whose fixed values equal those it was built from: the
   * same objects as a rule (a pick's snapshot carries its rotation's), else equal ones (e.g. when the owner
   * hands out members with the directory's current names, new objects for each reply).
   */
  private record Fragments(RotationState from, byte[] head, byte[] tail, Map<Member, MemberBytes> members,
      Map<Member, MemberBytes> same) {

    boolean of(RotationState s) {
      return s == from || (s.id() == from.id() && same(s.members(), from.members()) && same(s.name(), from.name())
          && same(s.accountId(), from.accountId()) && s.status() == from.status()
          && same(s.createdAt(), from.createdAt()) && same(s.updatedAt(), from.updatedAt())
          && same(s.createdBy(), from.createdBy()) && same(s.updatedBy(), from.updatedBy()));
    }

    private static boolean same(Object a, Object b) {
      return a == b || (a != null && a.equals(b));
    }
  }

  /** The answer to a pick, as {@code Views.nextUser(reply).toBuffer()} writes it. */
  public Buffer write(PickReply reply) {
    Rotation.UserPicked p = reply.picked();
    RotationState s = reply.rotation();
    Fragments f = fragments(s);
    MemberBytes picked = member(f, p.member());
    Buffer b = Buffer.buffer(f.head.length + f.tail.length + picked.user.length + 192);
    b.appendBytes(USER).appendBytes(picked.user)
        .appendBytes(ROTATION_ID).appendString(Long.toString(p.rotationId()))
        .appendBytes(NEW_POSITION).appendString(Integer.toString(p.newPosition()))
        .appendBytes(TOTAL_USERS).appendString(Integer.toString(s.members().size()))
        .appendBytes(CURRENT_USER).appendBytes(picked.email)
        .appendBytes(NEXT_USER).appendBytes(member(f, p.nextMember()).email)
        .appendBytes(f.head).appendString(Integer.toString(s.position())).appendBytes(f.tail)
        .appendBytes(CURRENT_POSITION).appendString(Integer.toString(p.position()))
        .appendBytes(SEQUENCE).appendString(Long.toString(p.sequence()))
        .appendBytes(SKIPPED);
    if (p.skipped().isEmpty()) {
      b.appendByte((byte) '[').appendByte((byte) ']');
    } else {
      b.appendBuffer(Views.skipped(p.skipped()).toBuffer()); // passing someone over is the rare case
    }
    if (p.fallbackFrom() != null) {
      b.appendBytes(FALLBACK_FROM).appendString(Long.toString(p.fallbackFrom()));
    }
    return b.appendByte((byte) '}');
  }

  private Fragments fragments(RotationState s) {
    Fragments f = rotations.get(s.id());
    if (f == null || !f.of(s)) {
      f = build(s);
      rotations.put(s.id(), f);
    }
    return f;
  }

  /** The member's bytes; a member the rotation does not list (none today) is encoded on the spot. */
  private static MemberBytes member(Fragments f, Member m) {
    MemberBytes bytes = f.same.get(m); // the rotation's own Member objects, as a rule
    if (bytes == null) {
      bytes = f.members.get(m);
    }
    return bytes != null ? bytes : encode(m);
  }

  private static Fragments build(RotationState s) {
    Map<Member, MemberBytes> members = new HashMap<>();
    s.members().forEach(m -> members.put(m, encode(m)));
    JsonArray array = new JsonArray();
    s.members().forEach(m -> array.add(Views.member(m)));
    Buffer head = Buffer.buffer().appendString(",\"rotation\":{\"id\":" + s.id() + ",\"uniqueId\":\"" + s.id()
            + "\",\"accountId\":").appendBytes(value(s.accountId()))
        .appendString(",\"name\":").appendBytes(value(s.name()))
        .appendString(",\"ticketTypeId\":\"lead\",\"status\":").appendBytes(value(s.status().wire()))
        .appendString(",\"userRotationArray\":").appendBuffer(array.toBuffer())
        .appendString(",\"currentPosition\":");
    Buffer tail = Buffer.buffer().appendString(",\"createdAt\":").appendBytes(value(Views.instant(s.createdAt())))
        .appendString(",\"updatedAt\":").appendBytes(value(Views.instant(s.updatedAt())))
        .appendString(",\"createdBy\":").appendBytes(value(s.createdBy()))
        .appendString(",\"updatedBy\":").appendBytes(value(s.updatedBy())).appendString("}");
    Map<Member, MemberBytes> same = new IdentityHashMap<>();
    s.members().forEach(m -> same.put(m, members.get(m)));
    return new Fragments(s, head.getBytes(), tail.getBytes(), members, same);
  }

  private static MemberBytes encode(Member m) {
    return new MemberBytes(Views.user(m).toBuffer().getBytes(), value(m.email()));
  }

  /**
   * A value as the views' encoder writes it into bytes (which escapes more than it does into a String, e.g.
   * characters outside the BMP): the one element of a JSON array, without its brackets.
   */
  private static byte[] value(Object v) {
    Buffer array = new JsonArray().add(v).toBuffer();
    return array.getBytes(1, array.length() - 1);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** For tests: how many rotations have fragments. */
  int cached() {
    return rotations.size();
  }

  /** For tests: the members of a rotation as they were when its fragments were built. */
  List<Member> cachedMembers(long rotationId) {
    Fragments f = rotations.get(rotationId);
    return f == null ? null : f.from.members();
  }
}
