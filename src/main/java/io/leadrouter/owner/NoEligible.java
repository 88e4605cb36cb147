package io.leadrouter.owner;

import io.leadrouter.error.ApiException;
import io.leadrouter.error.ErrorKind;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.Rotation.UserPicked;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.store.RotationJson;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * A pick nobody in the rotation is eligible for, and its fallback.
 *
 * <ul>
 *   <li>{@code {"userId": n}}: the owner hands the pick to that user if the directory says it is active: a pick
 *       of this rotation (next sequence number, position unchanged) with {@code fallbackFrom} this rotation, so
 *       it is in this rotation's log.</li>
 *   <li>{@code {"rotationId": n}}: the owner refuses with {@code no_eligible_member} naming the fallback
 *       rotation; {@link RotationService#pick} then picks from that rotation with {@code fallbackFrom} set (the
 *       pick is in the fallback rotation's log, and the first rotation's history lists it too), following at
 *       most {@link #MAX_CHAIN} fallbacks.</li>
 *   <li>Otherwise (or the fallback user is not active) 409 {@code no_eligible_member}, whose error lists every
 *       member with its reason: {@code {"error": {"code": "no_eligible_member", "message": ...,
 *       "members": [{"userId": 7, "reason": "away"}]}}}.</li>
 * </ul>
 */
final class NoEligible {

  /** Fallbacks followed from the rotation first asked (a longer chain is refused when configured). */
  static final int MAX_CHAIN = 3;

  /** Marks a failure message that carries a JSON error (code, message, details) across the event bus. */
  static final String ENVELOPE = "\u0001";
  /** Detail naming the fallback rotation for {@link RotationService}; never shown to clients. */
  static final String NEXT = "fallbackRotationId";

  private NoEligible() {}

  /** The fixed-user fallback's pick, or null when there is none or its user is not active. */
  static UserPicked toUser(RotationState s, Rotation.Pick pick, Rotation.Rejection r, People people, Instant at,
      List<Member> schedule) {
    if (s.fallback() == null || s.fallback().userId() == null) {
      return null;
    }
    long userId = s.fallback().userId();
    if (!people.view().availability(userId).active()) {
      return null;
    }
    Member placeholder = new Member(userId, "user-" + userId, null, 1);
    Member user = people.current(List.of(placeholder)).get(0);
    Member next = schedule.get(0);
    return new UserPicked(s.id(), s.accountId(), s.sequence() + 1, user, s.position(), s.position(), next,
        schedule.size(), at.truncatedTo(ChronoUnit.MICROS), pick.requestId(), r.members(), false, s.id());
  }

  /**
   * A preview's plan with its fallback: where nobody is eligible any more, the fixed fallback user (if active)
   * takes the rest of the picks, or the outlook names the fallback rotation for {@link RotationService#preview}
   * to go on with. (In a preview time stands still and cap counts only grow, so once nobody is eligible nobody
   * becomes eligible again.)
   */
  static Outlook preview(RotationState s, Rotation.Plan plan, int count, People people) {
    if (plan.stuck() == null || s.fallback() == null) {
      return new Outlook(s, plan.picks(), null);
    }
    if (s.fallback().rotationId() != null) {
      return new Outlook(s, plan.picks(), null, s.fallback().rotationId());
    }
    long userId = s.fallback().userId();
    if (!people.view().availability(userId).active()) {
      return new Outlook(s, plan.picks(), null);
    }
    Member user = people.current(List.of(new Member(userId, "user-" + userId, null, 1))).get(0);
    List<Rotation.Planned> picks = new ArrayList<>(plan.picks());
    while (picks.size() < count) {
      picks.add(new Rotation.Planned(s.id(), user, plan.stuck(), false, s.id()));
    }
    return new Outlook(s, picks, null);
  }

  /** The owner's refusal: the members and their reasons, and the fallback rotation if there is one. */
  static ApiException refusal(RotationState s, Rotation.Rejection r) {
    JsonObject details = new JsonObject().put("members", RotationJson.skipped(r.members()));
    if (s.fallback() != null && s.fallback().rotationId() != null) {
      details.put(NEXT, s.fallback().rotationId());
    }
    return new ApiException(ErrorKind.CONFLICT, r.reason().code(), r.message(), details);
  }

  /** The failure message of {@link #refusal}'s exception over the event bus. */
  static String envelope(ApiException e) {
    return ENVELOPE + new JsonObject().put("code", e.code()).put("message", e.getMessage())
        .put("details", e.details()).encode();
  }

  /** The exception an {@link #envelope} stands for, as the owners' client reports it. */
  static ServiceException unwrap(int status, String message) {
    JsonObject j = new JsonObject(message.substring(ENVELOPE.length()));
    return new ServiceException(status, j.getString("code"), j.getString("message"), j.getJsonObject("details"));
  }
}
