package io.leadrouter.owner;

import io.leadrouter.rotation.MemberView;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.RotationState;
import java.util.List;

/**
 * The owner's answer to {@link Rotation.Preview} and {@link Rotation.Explain}: the rotation as it stands (members
 * with current names), and either the planned picks or every member's view. Changes nothing. A plan cut short
 * where nobody is eligible names the fallback rotation that goes on with it ({@code fallbackRotationId}, else
 * null); a fixed-user fallback's picks are in the plan already.
 */
public record Outlook(RotationState rotation, List<Rotation.Planned> planned, List<MemberView> members,
    Long fallbackRotationId) {

  public Outlook(RotationState rotation, List<Rotation.Planned> planned, List<MemberView> members) {
    this(rotation, planned, members, null);
  }
}
