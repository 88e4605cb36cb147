package io.leadrouter.directory;

import io.leadrouter.owner.RotationService;
import io.leadrouter.owner.ServiceException;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.store.Directory;
import io.leadrouter.store.Page;
import io.leadrouter.store.RotationFilter;
import io.leadrouter.store.RotationStore;
import io.leadrouter.store.Team;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rotations that follow a team (created from its {@code teamId} alone, {@code followsTeam}) get the team's
 * membership whenever the team changes: members added to the team join with weight 1 at the end, members
 * removed from it leave, the others keep their place and settings (weight, paused, caps).
 *
 * <p>A team with {@code active: false} has nobody eligible: its followers' members are emptied (their picks
 * answer 409 until the team is active again); reactivated, the team's members join again with weight 1.
 * Emptying, rather than marking the users inactive, leaves the same users eligible in rotations that list
 * them explicitly.
 *
 * <p>Each follower is changed through its owner ({@link RotationService#update}), like any membership edit.
 * The followers are listed by team from the store and read from their owners, whose state is the authority.
 */
public final class TeamFollowers {

  private static final int PAGE = 500;

  private final RotationStore rotations;
  private final RotationService owners;
  private final Directory directory;

  public TeamFollowers(RotationStore rotations, RotationService owners, Directory directory) {
    this.rotations = rotations;
    this.owners = owners;
    this.directory = directory;
  }

  /** The team as just saved: brings every rotation of its account that follows it up to date. */
  public Future<Void> teamChanged(Team team, String actor) {
    return page(team, actor, 0);
  }

  private Future<Void> page(Team team, String actor, int offset) {
    return rotations.listRotations(team.accountId(), new RotationFilter(null, team.id(), PAGE, offset))
        .compose((Page<RotationState> p) -> {
          Future<Void> all = Future.succeededFuture();
          for (RotationState listed : p.items()) {
            all = all.compose(v -> follow(team, listed.id(), actor));
          }
          int next = offset + p.items().size();
          return all.compose(v -> p.items().isEmpty() || next >= p.total() ? Future.succeededFuture()
              : page(team, actor, next));
        });
  }

  /**
   * The team is read again just before each follower is updated: of two team edits racing, the follower ends
   * with the team as last saved, whichever edit's request gets here last.
   */
  private Future<Void> follow(Team saved, long rotationId, String actor) {
    return directory.getTeam(saved.accountId(), saved.id()).compose(team -> team == null
        ? Future.<Void>succeededFuture() // deleted meanwhile (possible only once no rotation uses it)
        : owners.get(team.accountId(), rotationId).compose(state -> {
          if (!state.followsTeam() || !Long.valueOf(team.id()).equals(state.teamId())) {
            return Future.<Void>succeededFuture();
          }
          List<Member> members = members(state.members(), team);
          return members.equals(state.members()) ? Future.<Void>succeededFuture()
              : owners.update(new Rotation.Update(team.accountId(), rotationId, null, false, null, members, actor))
                  .<Void>mapEmpty();
        }))
        .recover(e -> e instanceof ServiceException s && s.status() == 404 ? Future.succeededFuture() // rotation deleted
            : Future.failedFuture(new ServiceException(503, "team " + saved.id() + " was saved, but rotation "
                + rotationId + " that follows it was not updated (" + e.getMessage() + "); send the same request again")));
  }

  /** The follower's members for the team: kept in place with their settings, new ones at the end with weight 1. */
  static List<Member> members(List<Member> current, Team team) {
    if (!team.active()) {
      return List.of();
    }
    Set<Long> inTeam = new HashSet<>();
    team.members().forEach(m -> inTeam.add(m.userId()));
    List<Member> out = new ArrayList<>();
    Set<Long> kept = new HashSet<>();
    for (Member m : current) {
      if (inTeam.contains(m.userId())) {
        out.add(m);
        kept.add(m.userId());
      }
    }
    for (Team.TeamMember t : team.members()) {
      if (!kept.contains(t.userId())) {
        out.add(new Member(t.userId(), t.email(), t.name(), 1));
      }
    }
    return out;
  }
}
