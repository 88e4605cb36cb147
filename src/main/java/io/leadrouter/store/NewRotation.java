package io.leadrouter.store;

import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Status;
import java.util.List;

/** A rotation to create; the store assigns its id and timestamps. */
public record NewRotation(String accountId, String name, Status status, Long teamId, List<Member> members,
    String actor) {}
