package io.leadrouter.owner;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.rotation.Caps;
import io.leadrouter.rotation.Fallback;
import io.leadrouter.rotation.Ledger;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.MemberView;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.rotation.SkipReason;
import io.leadrouter.rotation.Status;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Over the wire (another cluster member) every field of commands and replies arrives as sent. */
class RotationCodecTest {

  private static final Instant T = Instant.parse("2026-03-02T09:15:00.123456Z");
  private static final Member ALICE = new Member(10, "alice@x.io", "alice", 2, false, new Caps(3, null, 20));
  private static final Member BOB = new Member(20, "bob@x.io", null, 1, true, Caps.NONE);
  private static final Ledger LEDGER = new Ledger(Instant.parse("2026-03-02T09:00:00Z"), LocalDate.parse("2026-03-02"),
      LocalDate.parse("2026-03-02"), Map.of(10L, new Ledger.Counts(2, 4, 11)), Map.of(20L, 3), true);
  private static final RotationState STATE = new RotationState(7, "2311", "West", Status.ACTIVE, 5L,
      List.of(ALICE, BOB), 1, 42, T, T, "admin", "editor", ZoneId.of("Europe/Berlin"), true, Fallback.user(10), true,
      LEDGER);

  private static Object wire(Object o) {
    RotationCodec codec = new RotationCodec();
    Buffer b = Buffer.buffer();
    codec.encodeToWire(b, o);
    return codec.decodeFromWire(0, b);
  }

  @Test
  void stateKeepsSettingsMemberSettingsAndLedger() {
    assertThat(wire(STATE)).isEqualTo(STATE);
    RotationState plain = new RotationState(8, "2311", null, Status.QUEUED, null, List.of(new Member(1, "a@x.io",
        null, 1)), 0, 0, T, T, null, null);
    assertThat(wire(plain)).isEqualTo(plain);
  }

  @Test
  void pickReplyKeepsSkippedRepaymentAndFallbackFrom() {
    Rotation.UserPicked picked = new Rotation.UserPicked(7, "2311", 43, ALICE, 0, 1, BOB, 3, T, "req",
        List.of(new Rotation.Skip(20, SkipReason.PAUSED), new Rotation.Skip(30, SkipReason.CAP_WEEK)), true, 99L);
    assertThat(wire(new PickReply(picked, STATE))).isEqualTo(new PickReply(picked, STATE));
  }

  @Test
  void commandsKeepSettingsAndFallbackFrom() {
    Rotation.Update update = new Rotation.Update("2311", 7, null, false, null, List.of(ALICE), "me",
        new Rotation.Settings(ZoneId.of("America/New_York"), false, Fallback.rotation(9), false));
    assertThat(wire(update)).isEqualTo(update);
    Rotation.Update keep = new Rotation.Update("2311", 7, "n", true, null, null, "me");
    assertThat(wire(keep)).isEqualTo(keep);
    Rotation.Pick pick = new Rotation.Pick("2311", 7, "req", 3L);
    assertThat(wire(pick)).isEqualTo(pick);
    assertThat(wire(new Rotation.Preview("2311", 7, 12))).isEqualTo(new Rotation.Preview("2311", 7, 12));
    assertThat(wire(new Rotation.Explain("2311", 7))).isEqualTo(new Rotation.Explain("2311", 7));
    Rotation.PatchMember patch = new Rotation.PatchMember("2311", 7, 20, 4, true, new Caps(null, 3, null), "me");
    assertThat(wire(patch)).isEqualTo(patch);
    Rotation.PatchMember clear = new Rotation.PatchMember("2311", 7, 20, null, null, Caps.NONE, "me");
    assertThat(wire(clear)).isEqualTo(clear);
    Rotation.PatchMember pauseOnly = new Rotation.PatchMember("2311", 7, 20, null, false, null, "me");
    assertThat(wire(pauseOnly)).isEqualTo(pauseOnly);
  }

  @Test
  void outlookKeepsPlannedPicksAndMemberViews() {
    Outlook preview = new Outlook(STATE, List.of(new Rotation.Planned(STATE.id(), ALICE, List.of(), true, null),
        new Rotation.Planned(9, BOB, List.of(new Rotation.Skip(10, SkipReason.CAP_HOUR)), false, STATE.id())), null,
        9L);
    assertThat(wire(preview)).isEqualTo(preview);
    Outlook members = new Outlook(STATE, null, List.of(
        new MemberView(ALICE, new Ledger.Counts(2, 4, 11), 0, SkipReason.CAP_HOUR, Instant.parse("2026-03-02T10:00:00Z")),
        new MemberView(BOB, Ledger.Counts.ZERO, 3, null, null)));
    assertThat(wire(members)).isEqualTo(members);
  }

  @Test
  void membersSignCommandsAndTakeOnlyCommandsSignedWithTheirSecret() {
    RotationCodec member = new RotationCodec(CommandSigner.of("cluster-secret-of-these-members-0123456789"));
    Rotation.Pick pick = new Rotation.Pick("2311", 7, "req", null);
    Buffer signed = Buffer.buffer();
    member.encodeToWire(signed, pick);
    assertThat(member.decodeFromWire(0, signed)).isEqualTo(pick);

    // one byte of the command changed (the account): the signature no longer matches
    Buffer tampered = signed.copy();
    int at = signed.toString().indexOf("2311");
    tampered.setByte(at, (byte) '9');
    assertThat(member.decodeFromWire(0, tampered)).isInstanceOfSatisfying(RotationCodec.Unsigned.class,
        u -> assertThat(u.reason()).contains("bad signature"));

    Buffer unsigned = Buffer.buffer();
    new RotationCodec().encodeToWire(unsigned, pick);
    assertThat(member.decodeFromWire(0, unsigned)).isEqualTo(new RotationCodec.Unsigned(7, "not signed"));
    Buffer otherCluster = Buffer.buffer();
    new RotationCodec(CommandSigner.of("another-cluster-secret-0123456789abcdef")).encodeToWire(otherCluster, pick);
    assertThat(member.decodeFromWire(0, otherCluster)).isInstanceOf(RotationCodec.Unsigned.class);

    // replies travel unsigned (they go back to the member that asked)
    Buffer reply = Buffer.buffer();
    member.encodeToWire(reply, STATE);
    assertThat(member.decodeFromWire(0, reply)).isEqualTo(STATE);
  }
}
