package io.leadrouter.leads;

import io.leadrouter.store.Directory;
import io.leadrouter.store.Page;
import io.leadrouter.store.StoreException;
import io.vertx.core.Future;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Leads in this JVM only, for throwaway runs and tests; thread-safe through concurrent maps. */
public final class InMemoryLeadStore implements LeadStore {

  private record Entry(Lead lead, List<Agent> agents, List<LeadEvent> history) {}

  private final Clock clock;
  private final Directory directory;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, GroupToken> tokens = new ConcurrentHashMap<>();
  private final Map<ByteBuffer, Long> tokenByHash = new ConcurrentHashMap<>();
  private final Map<Long, Entry> leads = new ConcurrentHashMap<>();
  private final Map<String, Long> leadByPick = new ConcurrentHashMap<>();
  private final Map<String, Key> keys = new ConcurrentHashMap<>();

  /** One Idempotency-Key as stored; {@code leaseUntil} null while nobody runs its request. */
  private record Key(String requestHash, Integer status, String body, String node, String token, Instant leaseUntil,
      RecordedPick pick, Instant createdAt) {

    Idempotency view(Instant now) {
      return new Idempotency(requestHash, status, body, token, leaseUntil == null || leaseUntil.isBefore(now), pick);
    }

    boolean held(String t) {
      return status == null && t.equals(token);
    }

    Key claimedBy(String n, String t, Instant until) {
      return new Key(requestHash, null, null, n, t, until, pick, createdAt);
    }

    Key freed() {
      return new Key(requestHash, status, body, null, null, null, pick, createdAt);
    }
  }

  public InMemoryLeadStore(Clock clock) {
    this(clock, null);
  }

  /** With {@code directory}: leads read with their owner's current email, as the Postgres adapter reads them. */
  public InMemoryLeadStore(Clock clock, Directory directory) {
    this.clock = clock;
    this.directory = directory;
  }

  private Future<Lead> live(Lead lead) {
    return directory == null || lead == null ? Future.succeededFuture(lead)
        : directory.getUser(lead.accountId(), lead.ownerUserId()).map(u -> u == null ? lead : lead.withOwner(u.email()));
  }

  @Override
  public Future<GroupToken> createToken(String accountId, long rotationId, String name, byte[] hash, String prefix,
      String actor) {
    GroupToken t = new GroupToken(ids.incrementAndGet(), accountId, rotationId, name, prefix, clock.instant(), actor,
        null, null);
    tokens.put(t.id(), t);
    tokenByHash.put(ByteBuffer.wrap(hash.clone()), t.id());
    return Future.succeededFuture(t);
  }

  @Override
  public Future<List<GroupToken>> listTokens(String accountId, long rotationId) {
    return Future.succeededFuture(tokens.values().stream()
        .filter(t -> t.accountId().equals(accountId) && t.rotationId() == rotationId)
        .sorted(Comparator.comparingLong(GroupToken::id)).toList());
  }

  @Override
  public Future<Boolean> revokeToken(String accountId, long rotationId, long tokenId, String actor) {
    GroupToken t = tokens.computeIfPresent(tokenId, (id, old) -> !old.accountId().equals(accountId)
        || old.rotationId() != rotationId || old.revoked() ? old
        : new GroupToken(old.id(), old.accountId(), old.rotationId(), old.name(), old.prefix(), old.createdAt(),
            old.createdBy(), clock.instant(), actor));
    return Future.succeededFuture(t != null && t.accountId().equals(accountId) && t.rotationId() == rotationId);
  }

  @Override
  public Future<GroupToken> findToken(byte[] hash) {
    Long id = tokenByHash.get(ByteBuffer.wrap(hash));
    return Future.succeededFuture(id == null ? null : tokens.get(id));
  }

  @Override
  public synchronized Future<Lead> createLead(Lead lead, Agent owner, String by) {
    // synchronized: the check for a lead of the same pick and the insert are one step
    Long existing = leadByPick.get(lead.rotationId() + ":" + lead.sequence());
    if (existing != null) {
      return Future.succeededFuture(leads.get(existing).lead());
    }
    Lead stored = new Lead(ids.incrementAndGet(), lead.accountId(), lead.rotationId(), lead.sequence(),
        lead.ownerUserId(), lead.owner(), lead.fields(), lead.createdAt(), lead.createdBy(), lead.updatedAt(),
        lead.lastModifiedBy(), 1);
    List<LeadEvent> history = new CopyOnWriteArrayList<>();
    history.add(new LeadEvent(lead.createdAt(), LeadEvent.ASSIGNED, List.of(), List.of(owner), by));
    leads.put(stored.id(), new Entry(stored, List.of(owner), history));
    leadByPick.put(lead.rotationId() + ":" + lead.sequence(), stored.id());
    return Future.succeededFuture(stored);
  }

  private Entry entry(String accountId, long id) {
    Entry e = leads.get(id);
    return e != null && e.lead().accountId().equals(accountId) ? e : null;
  }

  @Override
  public Future<Lead> getLead(String accountId, long id) {
    Entry e = entry(accountId, id);
    return live(e == null ? null : e.lead());
  }

  @Override
  public Future<Page<Lead>> listLeads(String accountId, LeadFilter f) {
    List<Lead> all = leads.values().stream().map(Entry::lead)
        .filter(l -> l.accountId().equals(accountId)
            && (f.ownerUserId() == null || l.ownerUserId() == f.ownerUserId())
            && (f.rotationId() == null || l.rotationId() == f.rotationId())
            && (f.from() == null || !l.createdAt().isBefore(f.from()))
            && (f.to() == null || l.createdAt().isBefore(f.to())))
        .sorted(Comparator.comparingLong(Lead::id).reversed()).toList();
    int from = Math.min(f.offset(), all.size());
    List<Future<Lead>> page = all.subList(from, Math.min(all.size(), from + f.limit())).stream().map(this::live)
        .toList();
    return Future.all(page).map(v -> new Page<>(page.stream().map(Future::result).toList(), all.size(), f.limit(),
        f.offset()));
  }

  @Override
  public Future<List<Agent>> agents(String accountId, long leadId) {
    Entry e = entry(accountId, leadId);
    return Future.succeededFuture(e == null ? List.of() : e.agents());
  }

  @Override
  public Future<List<LeadEvent>> history(String accountId, long leadId) {
    Entry e = entry(accountId, leadId);
    return Future.succeededFuture(e == null ? List.of() : List.copyOf(e.history()));
  }

  @Override
  public Future<Lead> reassign(String accountId, long leadId, long expectedVersion, List<Agent> agents,
      LeadEvent event) {
    Agent primary = agents.stream().filter(Agent::primary).findFirst().orElseThrow();
    Entry updated = leads.computeIfPresent(leadId, (id, old) -> {
      if (!old.lead().accountId().equals(accountId) || old.lead().version() != expectedVersion) {
        return old;
      }
      Lead l = old.lead();
      old.history().add(event);
      return new Entry(new Lead(l.id(), l.accountId(), l.rotationId(), l.sequence(), primary.userId(),
          primary.email(), l.fields(), l.createdAt(), l.createdBy(), event.at(), event.by(), l.version() + 1),
          List.copyOf(agents), old.history());
    });
    if (updated == null || updated.lead().version() != expectedVersion + 1) {
      return Future.failedFuture(new StoreException(StoreException.Kind.CONFLICT,
          "the application changed while it was being reassigned; retry"));
    }
    return Future.succeededFuture(updated.lead());
  }

  private static String key(String accountId, String scope, String key) {
    return accountId + '\u0000' + scope + '\u0000' + key;
  }

  @Override
  public Future<Idempotency> claim(String accountId, String scope, String key, String requestHash,
      Instant expiredBefore, String node, String token, Duration lease) {
    Instant now = clock.instant();
    Key k = keys.compute(key(accountId, scope, key), (id, old) -> {
      if (old == null || old.createdAt().isBefore(expiredBefore)) {
        return new Key(requestHash, null, null, node, token, now.plus(lease), null, now);
      }
      boolean free = old.status() == null && (old.leaseUntil() == null || old.leaseUntil().isBefore(now));
      return free && old.requestHash().equals(requestHash) ? old.claimedBy(node, token, now.plus(lease)) : old;
    });
    return Future.succeededFuture(k.view(now));
  }

  @Override
  public Future<Void> renew(String accountId, String scope, String key, String token, Duration lease) {
    keys.computeIfPresent(key(accountId, scope, key), (id, old) -> old.held(token)
        ? old.claimedBy(old.node(), token, clock.instant().plus(lease)) : old);
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> recordPick(String accountId, String scope, String key, String token, RecordedPick pick) {
    boolean[] held = {false};
    keys.computeIfPresent(key(accountId, scope, key), (id, old) -> {
      held[0] = old.held(token);
      return held[0] ? new Key(old.requestHash(), null, null, old.node(), token, old.leaseUntil(), pick,
          old.createdAt()) : old;
    });
    return Future.succeededFuture(held[0]);
  }

  @Override
  public Future<Boolean> complete(String accountId, String scope, String key, String token, int status, String body) {
    boolean[] held = {false};
    keys.computeIfPresent(key(accountId, scope, key), (id, old) -> {
      held[0] = old.held(token);
      return held[0] ? new Key(old.requestHash(), status, body, null, null, null, old.pick(), old.createdAt()) : old;
    });
    return Future.succeededFuture(held[0]);
  }

  @Override
  public Future<Void> release(String accountId, String scope, String key, String token) {
    keys.computeIfPresent(key(accountId, scope, key), (id, old) -> !old.held(token) ? old
        : old.pick() == null ? null : old.freed());
    return Future.succeededFuture();
  }

  @Override
  public Future<Idempotency> lookup(String accountId, String scope, String key) {
    Key k = keys.get(key(accountId, scope, key));
    return Future.succeededFuture(k == null ? null : k.view(clock.instant()));
  }

  @Override
  public Future<Integer> abandonClaims(String node) {
    int[] n = {0};
    keys.replaceAll((id, k) -> {
      if (k.status() == null && node.equals(k.node())) {
        n[0]++;
        return k.freed();
      }
      return k;
    });
    return Future.succeededFuture(n[0]);
  }

  @Override
  public Future<Integer> purgeKeys(Instant before, int limit) {
    int n = 0;
    for (Map.Entry<String, Key> e : keys.entrySet()) {
      if (n >= limit) {
        break;
      }
      if (e.getValue().createdAt().isBefore(before) && keys.remove(e.getKey(), e.getValue())) {
        n++;
      }
    }
    return Future.succeededFuture(n);
  }

  @Override
  public Future<Integer> purgeEvents(Instant before, int limit) {
    int n = 0;
    for (Entry e : leads.values()) {
      for (LeadEvent event : e.history()) {
        if (n >= limit) {
          return Future.succeededFuture(n);
        }
        if (event.at().isBefore(before) && e.history().remove(event)) {
          n++;
        }
      }
    }
    return Future.succeededFuture(n);
  }

  /** Leads stored so far (tests). */
  public int size() {
    return leads.size();
  }
}
