package io.leadrouter.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.owner.PickReply;
import io.leadrouter.rotation.Caps;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.rotation.SkipReason;
import io.leadrouter.rotation.Status;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GET next-user's bytes, written without a JSON tree, are exactly those of {@link Views#nextUser}. */
class NextUserJsonTest {

  private static final Instant CREATED = Instant.parse("2026-03-02T09:00:00.123456789Z");
  private static final Instant UPDATED = Instant.parse("2026-03-03T10:30:00Z");

  private static List<Member> members(int n) {
    List<Member> members = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      members.add(new Member(100 + i, "m" + i + "@example.com", "Member " + i, i));
    }
    return members;
  }

  private static RotationState rotation(String name, List<Member> members, String createdBy, Instant updatedAt) {
    return new RotationState(42, "2311", name, Status.ACTIVE, 7L, members, 3, 17, CREATED, updatedAt, createdBy,
        "ops@example.com", ZoneId.of("Europe/Berlin"), true, null, false, null);
  }

  private static PickReply pick(RotationState s, int index, long sequence, List<Rotation.Skip> skipped, Long from) {
    List<Member> m = s.members();
    return new PickReply(new Rotation.UserPicked(s.id(), s.accountId(), sequence, m.get(index), index,
        (index + 1) % m.size(), m.get((index + 1) % m.size()), m.size(), UPDATED, "req-1", skipped, false, from),
        s.withProgress((index + 1) % m.size(), sequence));
  }

  private static String tree(PickReply reply) {
    return Views.nextUser(reply).toBuffer().toString();
  }

  @Test
  void nextUserAnswerIsPinnedByteForByte() {
    RotationState s = rotation("hot", members(2), "ops@example.com", UPDATED);
    String expected = "{\"user\":{\"id\":101,\"email\":\"m1@example.com\",\"name\":\"Member 1\",\"userId\":\"101\","
        + "\"weight\":1},\"rotationId\":\"42\",\"newPosition\":1,\"totalUsers\":2,\"currentUser\":\"m1@example.com\","
        + "\"nextUser\":\"m2@example.com\",\"rotation\":{\"id\":42,\"uniqueId\":\"42\",\"accountId\":\"2311\","
        + "\"name\":\"hot\",\"ticketTypeId\":\"lead\",\"status\":\"active\",\"userRotationArray\":[{\"userId\":\"101\","
        + "\"email\":\"m1@example.com\",\"name\":\"Member 1\",\"weight\":1,\"paused\":false,\"caps\":{}},"
        + "{\"userId\":\"102\",\"email\":\"m2@example.com\",\"name\":\"Member 2\",\"weight\":2,\"paused\":false,"
        + "\"caps\":{}}],\"currentPosition\":1,\"createdAt\":\"2026-03-02T09:00:00.123456Z\","
        + "\"updatedAt\":\"2026-03-03T10:30:00Z\",\"createdBy\":\"ops@example.com\",\"updatedBy\":\"ops@example.com\"},"
        + "\"currentPosition\":0,\"sequence\":18,\"skipped\":[]}";
    PickReply reply = pick(s, 0, 18, List.of(), null);
    assertThat(tree(reply)).isEqualTo(expected);
    assertThat(new NextUserJson().write(reply).toString()).isEqualTo(expected);
  }

  @Test
  void everyPickOfARotationMatchesTheTreeAndReusesItsFragments() {
    NextUserJson json = new NextUserJson();
    RotationState s = rotation("hot", members(10), "ops@example.com", UPDATED);
    for (int i = 0; i < 25; i++) {
      PickReply reply = pick(s, i % 10, 100 + i, List.of(), null);
      assertThat(json.write(reply).toString()).isEqualTo(tree(reply));
      s = reply.rotation(); // the next pick's snapshot: new progress, the same members
    }
    assertThat(json.cached()).isEqualTo(1);
    assertThat(json.cachedMembers(42)).isSameAs(s.members());
  }

  @Test
  void equalSnapshotsMadeAnewForEachReplyShareTheFragments() {
    NextUserJson json = new NextUserJson();
    RotationState first = rotation("hot", members(4), "ops@example.com", UPDATED);
    List<Member> builtFrom = null;
    for (int i = 0; i < 8; i++) {
      // as an owner answers with the directory's current names: new (equal) members and snapshot every time
      List<Member> copies = new ArrayList<>();
      first.members().forEach(m -> copies.add(new Member(m.userId(), new String(m.email()), m.name(), m.weight())));
      RotationState s = rotation(new String("hot"), copies, "ops@example.com", UPDATED);
      PickReply reply = pick(s, i % 4, i + 1, List.of(), null);
      assertThat(json.write(reply).toString()).isEqualTo(tree(reply));
      builtFrom = builtFrom == null ? s.members() : builtFrom;
    }
    assertThat(json.cached()).isEqualTo(1);
    assertThat(json.cachedMembers(42)).isSameAs(builtFrom); // built once, for the first of the equal snapshots
    List<Member> renamed = new ArrayList<>(first.members());
    renamed.set(2, new Member(103, "new-m3@example.com", "Renamed", 3));
    PickReply reply = pick(rotation("hot", renamed, "ops@example.com", UPDATED), 2, 9, List.of(), null);
    assertThat(json.write(reply).toString()).isEqualTo(tree(reply)).contains("\"currentUser\":\"new-m3@example.com\"");
    assertThat(json.cachedMembers(42)).isEqualTo(renamed);
  }

  @Test
  void textThatNeedsEscapingNullsSkipsAndFallbacksMatchTheTree() {
    NextUserJson json = new NextUserJson();
    List<Member> odd = List.of(new Member(1, "a\"b\\c@example.com", null, 3),
        new Member(2, "ünï@example.com", "Zoë \"Z\" \u0001\t\n/ 😀", 10, true, new Caps(1, null, 5)),
        new Member(Long.MAX_VALUE, "x@example.com", "</script>", 1));
    RotationState s = rotation("name \"quoted\" \\ ü 😀 \u001f", odd, null, UPDATED);
    List<Rotation.Skip> skipped = List.of(new Rotation.Skip(2, SkipReason.PAUSED), new Rotation.Skip(3, null),
        new Rotation.Skip(1, SkipReason.CAP_WEEK));
    for (PickReply reply : List.of(pick(s, 0, 1, List.of(), null), pick(s, 1, 2, skipped, null),
        pick(s, 2, Long.MAX_VALUE, skipped, 99L), pick(s, 2, 3, List.of(), 5L))) {
      assertThat(json.write(reply).toString()).isEqualTo(tree(reply));
    }
  }

  @Test
  void anEditedRotationIsWrittenAsItNowStands() {
    NextUserJson json = new NextUserJson();
    RotationState before = rotation("hot", members(3), "ops@example.com", UPDATED);
    PickReply first = pick(before, 0, 1, List.of(), null);
    assertThat(json.write(first).toString()).isEqualTo(tree(first));

    List<Member> edited = new ArrayList<>(before.members());
    edited.set(1, edited.get(1).withSettings(7, true, new Caps(null, 4, null)));
    for (RotationState after : List.of(rotation("hot", edited, "ops@example.com", UPDATED),
        rotation("renamed", before.members(), "ops@example.com", UPDATED),
        rotation("hot", before.members(), "ops@example.com", UPDATED.plusSeconds(1)),
        before.withStatus(Status.QUEUED, UPDATED.plusSeconds(2), "someone@example.com"))) {
      PickReply reply = pick(after, 1, 2, List.of(), null);
      assertThat(json.write(reply).toString()).isEqualTo(tree(reply)).isNotEqualTo(json.write(first).toString());
    }
  }

  @Test
  void aPickedMemberTheRotationDoesNotListIsStillWritten() {
    RotationState s = rotation("hot", members(2), "ops@example.com", UPDATED);
    Member stranger = new Member(9, "stranger@example.com", "S", 2);
    PickReply reply = new PickReply(new Rotation.UserPicked(s.id(), s.accountId(), 5, stranger, 0, 1,
        s.members().get(1), 2, UPDATED, "r", List.of(), false, 41L), s);
    assertThat(new NextUserJson().write(reply).toString()).isEqualTo(tree(reply));
  }
}
