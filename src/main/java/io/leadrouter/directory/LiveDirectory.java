package io.leadrouter.directory;

import io.leadrouter.owner.People;
import io.leadrouter.rotation.Availability;
import io.leadrouter.rotation.DirectoryView;
import io.leadrouter.rotation.Member;
import io.leadrouter.store.Directory;
import io.leadrouter.store.User;
import io.leadrouter.store.UserRef;
import io.leadrouter.util.Consumers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node-wide cache of the directory users the owners of this node serve: each user's availability and
 * current email and name, behind one long-lived {@link DirectoryView} whose version moves on every change.
 *
 * <p>Freshness: every user write made through {@link #directory()} (the Directory the node's edges use)
 * updates this cache at once, before the write's answer, and is published on {@link #ADDRESS}; every node's
 * cache that holds the user reads it again from the store on that message (in a cluster: well within a
 * second). A message lost with a cluster hiccup is made good by the periodic re-read of every cached user.
 * Reads race with writes harmlessly: a read older than what the cache holds ({@code updatedAt}) is dropped.
 *
 * <p>Thread-safe: the owners of every event loop read the view; reads never block nor touch the store.
 */
public final class LiveDirectory implements People {

  private static final Logger LOG = LoggerFactory.getLogger(LiveDirectory.class);
  /** Published on every user write: {@code {"accountId": ..., "userId": ..., "node": ...}}. */
  public static final String ADDRESS = "leadrouter.directory.changed";
  /** How often every cached user is read again, whatever the messages said. */
  public static final long DEFAULT_REFRESH_MS = 30_000;
  private static final int READ_CHUNK = 1_000;

  /** A cached user; {@code email} null for a user the store does not have (inactive). */
  private record Entry(String accountId, Availability availability, String email, String name, Instant updatedAt) {

    static Entry of(User u) {
      return new Entry(u.accountId(), u.availability(), u.email(), u.name(), u.updatedAt());
    }

    boolean sameAs(Entry o) {
      return o != null && accountId.equals(o.accountId) && availability.equals(o.availability)
          && Objects.equals(email, o.email) && Objects.equals(name, o.name);
    }
  }

  private final Vertx vertx;
  private final Directory store;
  private final Directory watched;
  private final long refreshMs;
  /** Tells this node's own messages apart (it applied them already). */
  private final String self = UUID.randomUUID().toString();
  private final Map<Long, Entry> users = new ConcurrentHashMap<>();
  /** Users being read: a change announced meanwhile is read again (the read in flight may be older). */
  private final Map<Long, Boolean> reading = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong();
  private final DirectoryView view = new DirectoryView() {
    @Override
    public Availability availability(long userId) {
      Entry e = users.get(userId);
      return e == null ? Availability.INACTIVE : e.availability();
    }

    @Override
    public long version() {
      return version.get();
    }
  };
  private MessageConsumer<JsonObject> consumer;
  private long timer = -1;

  public LiveDirectory(Vertx vertx, Directory store, long refreshMs) {
    this.vertx = vertx;
    this.store = store;
    this.refreshMs = refreshMs;
    this.watched = new WatchedDirectory(store, this);
  }

  public LiveDirectory(Vertx vertx, Directory store) {
    this(vertx, store, DEFAULT_REFRESH_MS);
  }

  /** Listens for other nodes' changes and starts the periodic re-read; completes once the listener is registered. */
  public Future<Void> start() {
    timer = vertx.setPeriodic(refreshMs, refreshMs, t -> refreshAll());
    return Consumers.registered(vertx, ADDRESS,
        () -> vertx.eventBus().<JsonObject>consumer(ADDRESS, m -> changedElsewhere(m.body())))
        .onSuccess(c -> consumer = c).mapEmpty();
  }

  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** The store's Directory with every user write seen by this cache and published to the other nodes. */
  public Directory directory() {
    return watched;
  }

  @Override
  public DirectoryView view() {
    return view;
  }

  @Override
  public Future<Void> load(String accountId, Collection<Long> userIds) {
    List<Long> missing = new ArrayList<>();
    for (Long id : userIds) {
      Entry e = users.get(id);
      if (e == null || !e.accountId().equals(accountId)) {
        missing.add(id);
      }
    }
    return read(accountId, missing);
  }

  @Override
  public List<Member> current(List<Member> members) {
    List<Member> out = null;
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      Entry e = users.get(m.userId());
      if (e != null && e.email() != null && (!e.email().equals(m.email()) || !Objects.equals(e.name(), m.name()))) {
        if (out == null) {
          out = new ArrayList<>(members);
        }
        out.set(i, new Member(m.userId(), e.email(), e.name(), m.weight(), m.paused(), m.caps()));
      }
    }
    return out == null ? members : List.copyOf(out);
  }

  // ---- keeping it fresh -------------------------------------------------------------------------------

  /**
   * A user changed through {@link #directory()}: applied here at once (cached even when no rotation here
   * serves it yet, so that a load in flight cannot put an older read over it), then announced to every node.
   */
  void written(User u) {
    apply(u.id(), Entry.of(u), true);
    publish(u.accountId(), u.id());
  }

  void deleted(String accountId, long userId) {
    if (users.remove(userId) != null) {
      version.incrementAndGet();
    }
    publish(accountId, userId);
  }

  private void publish(String accountId, long userId) {
    vertx.eventBus().publish(ADDRESS, new JsonObject().put("accountId", accountId).put("userId", userId)
        .put("node", self));
  }

  private void changedElsewhere(JsonObject body) {
    Long userId = body.getLong("userId");
    String accountId = body.getString("accountId");
    if (self.equals(body.getString("node")) || userId == null || accountId == null
        || !(users.containsKey(userId) || reading.containsKey(userId))) {
      return; // ours (applied already), malformed, or nobody here serves that user
    }
    read(accountId, List.of(userId)).onFailure(e -> LOG.warn("directory: could not re-read user {} after a change"
        + " on another node ({}); the periodic re-read will", userId, e.getMessage()));
  }

  private void refreshAll() {
    Map<String, List<Long>> byAccount = new HashMap<>();
    users.forEach((id, e) -> byAccount.computeIfAbsent(e.accountId(), a -> new ArrayList<>()).add(id));
    byAccount.forEach((account, ids) -> {
      for (int from = 0; from < ids.size(); from += READ_CHUNK) {
        read(account, ids.subList(from, Math.min(ids.size(), from + READ_CHUNK)))
            .onFailure(e -> LOG.debug("directory: periodic re-read failed ({})", e.getMessage()));
      }
    });
  }

  /** Reads these users of the account from the store into the cache; a user it does not have is inactive. */
  private Future<Void> read(String accountId, List<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    List<UserRef> refs = ids.stream().map(id -> new UserRef(id, null, null)).toList();
    ids.forEach(id -> reading.put(id, Boolean.TRUE));
    // references by id create nothing, so no actor is needed
    return store.resolveUsers(accountId, refs, null).<Void>map(found -> {
      for (int i = 0; i < ids.size(); i++) {
        User u = found.get(i);
        // the store has no such user (deleted, or of another account): inactive, whatever was cached
        apply(ids.get(i), u == null
            ? new Entry(accountId, Availability.INACTIVE, null, null, Instant.MIN) : Entry.of(u), u == null);
      }
      return null;
    }).onComplete(ar -> ids.forEach(reading::remove));
  }

  /** Keeps the newer of what the cache holds and {@code next}; {@code force}: {@code next} wins regardless. */
  private void apply(long userId, Entry next, boolean force) {
    Entry[] before = new Entry[1];
    Entry after = users.compute(userId, (id, old) -> {
      before[0] = old;
      return force || old == null || !old.accountId().equals(next.accountId())
          || !next.updatedAt().isBefore(old.updatedAt()) ? next : old;
    });
    if (!after.sameAs(before[0])) {
      version.incrementAndGet();
    }
  }
}
