package io.leadrouter.owner;

import io.leadrouter.rotation.Rotation.UserPicked;
import io.leadrouter.rotation.RotationState;

/** The owner's answer to a pick: the pick itself and the rotation as it stands after it. */
public record PickReply(UserPicked picked, RotationState rotation) {}
