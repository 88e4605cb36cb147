package io.leadrouter.leads;

import io.leadrouter.store.Page;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * Storage port of leads, their agents and history, ingest tokens and idempotency keys. Every write
 * completes only after it is durable; every read is scoped by account.
 */
public interface LeadStore {

  // ---- ingest tokens ----------------------------------------------------------------------------------

  Future<GroupToken> createToken(String accountId, long rotationId, String name, byte[] hash, String prefix,
      String actor);

  Future<List<GroupToken>> listTokens(String accountId, long rotationId);

  /** False when the account has no such token on that rotation. Revoking twice keeps the first revocation. */
  Future<Boolean> revokeToken(String accountId, long rotationId, long tokenId, String actor);

  /** The token with this secret hash (revoked ones included), or a null result. */
  Future<GroupToken> findToken(byte[] hash);

  // ---- leads ------------------------------------------------------------------------------------------

  /** Stores the lead with {@code owner} as its primary agent and an "assigned" history entry, atomically. */
  Future<Lead> createLead(Lead lead, Agent owner, String by);

  /** The lead, or a null result for another account's or an unknown one. */
  Future<Lead> getLead(String accountId, long id);

  Future<Page<Lead>> listLeads(String accountId, LeadFilter filter);

  Future<List<Agent>> agents(String accountId, long leadId);

  Future<List<LeadEvent>> history(String accountId, long leadId);

  /**
   * Replaces the agents of a lead if it is still at {@code expectedVersion} (else fails CONFLICT), records
   * {@code event}, and sets the owner to the primary agent; atomically.
   */
  Future<Lead> reassign(String accountId, long leadId, long expectedVersion, List<Agent> agents, LeadEvent event);

  // ---- idempotency ------------------------------------------------------------------------------------

  /**
   * Claims {@code key} for a request: a null result means this caller claimed it and must {@link #complete}
   * or {@link #release} it; otherwise the existing claim (possibly still running, possibly done).
   * Claims older than {@code expiredBefore} are replaced.
   */
  Future<Idempotency> claim(String accountId, String scope, String key, String requestHash, Instant expiredBefore);

  Future<Void> complete(String accountId, String scope, String key, int status, String body);

  /** Drops a claim whose request failed in a way worth retrying (e.g. 503), so a retry runs anew. */
  Future<Void> release(String accountId, String scope, String key);

  Future<Idempotency> lookup(String accountId, String scope, String key);
}
