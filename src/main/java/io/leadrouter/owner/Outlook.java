package io.leadrouter.owner;

import io.leadrouter.rotation.MemberView;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.RotationState;
import java.util.List;

/**
 * The owner's answer to {@link Rotation.Preview} and {@link Rotation.Explain}: the rotation as it stands (members
 * with current names), and either the planned picks or every member's view. Changes nothing.
 */
public record Outlook(RotationState rotation, List<Rotation.Planned> planned, List<MemberView> members) {}
