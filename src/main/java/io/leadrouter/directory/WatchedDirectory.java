package io.leadrouter.directory;

import io.leadrouter.store.Directory;
import io.leadrouter.store.Page;
import io.leadrouter.store.Team;
import io.leadrouter.store.TeamDraft;
import io.leadrouter.store.User;
import io.leadrouter.store.UserDraft;
import io.leadrouter.store.UserRef;
import io.vertx.core.Future;
import java.util.List;

/**
 * The store's {@link Directory} whose user writes the {@link LiveDirectory} sees: once the store has a
 * change, the cache is updated and the change published, before the caller gets its answer.
 */
final class WatchedDirectory implements Directory {

  private final Directory store;
  private final LiveDirectory live;

  WatchedDirectory(Directory store, LiveDirectory live) {
    this.store = store;
    this.live = live;
  }

  @Override
  public Future<User> createUser(String accountId, UserDraft draft, String actor) {
    return store.createUser(accountId, draft, actor); // a new user: no rotation serves it yet
  }

  @Override
  public Future<User> findUserByEmail(String accountId, String email) {
    return store.findUserByEmail(accountId, email);
  }

  @Override
  public Future<User> getUser(String accountId, long id) {
    return store.getUser(accountId, id);
  }

  @Override
  public Future<Page<User>> listUsers(String accountId, int limit, int offset) {
    return store.listUsers(accountId, limit, offset);
  }

  @Override
  public Future<User> updateUser(String accountId, long id, UserDraft draft, String actor) {
    return store.updateUser(accountId, id, draft, actor).onSuccess(live::written);
  }

  @Override
  public Future<Void> deleteUser(String accountId, long id) {
    return store.deleteUser(accountId, id).onSuccess(v -> live.deleted(accountId, id));
  }

  /** Users it creates are new (no rotation serves them yet): the owners load them when they need them. */
  @Override
  public Future<List<User>> resolveUsers(String accountId, List<UserRef> refs, String actor) {
    return store.resolveUsers(accountId, refs, actor);
  }

  @Override
  public Future<Team> createTeam(String accountId, TeamDraft draft, String actor) {
    return store.createTeam(accountId, draft, actor);
  }

  @Override
  public Future<Team> getTeam(String accountId, long id) {
    return store.getTeam(accountId, id);
  }

  @Override
  public Future<Page<Team>> listTeams(String accountId, int limit, int offset) {
    return store.listTeams(accountId, limit, offset);
  }

  @Override
  public Future<Team> updateTeam(String accountId, long id, TeamDraft draft, String actor) {
    return store.updateTeam(accountId, id, draft, actor);
  }

  @Override
  public Future<Void> deleteTeam(String accountId, long id) {
    return store.deleteTeam(accountId, id);
  }
}
