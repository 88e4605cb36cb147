package io.leadrouter.store;

import io.leadrouter.rotation.Fallback;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Status;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/** A rotation to create; the store assigns its id and timestamps. Settings as in {@code RotationState}. */
public record NewRotation(String accountId, String name, Status status, Long teamId, List<Member> members,
    String actor, ZoneId timeZone, boolean catchUp, Fallback fallback, boolean followsTeam) {

  public NewRotation {
    timeZone = timeZone == null ? ZoneOffset.UTC : timeZone;
  }

  /** Default settings: UTC, no catch-up, no fallback, not following a team. */
  public NewRotation(String accountId, String name, Status status, Long teamId, List<Member> members, String actor) {
    this(accountId, name, status, teamId, members, actor, ZoneOffset.UTC, false, null, false);
  }
}
