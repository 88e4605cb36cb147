package io.leadrouter.leads;

import io.leadrouter.store.Page;
import io.vertx.core.Future;
import java.time.Duration;
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

  /**
   * Stores the lead with {@code owner} as its primary agent and an "assigned" history entry, atomically.
   * One lead per pick: when a lead with the same rotation and sequence is stored already (a retry of a
   * request that stored it but could not answer), the result is that lead and nothing is written.
   */
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
  //
  // A claim is held by a token (random per claim) and kept alive by a lease its claimant renews while the
  // request runs. A claim whose lease ran out, or that its claimant gave back, is free: the next request
  // with the key takes it over (with a new token) and runs it, finishing with the pick recorded for the key
  // if there is one. Every write of a claimant names its token, so a claimant whose claim was taken over
  // changes nothing. Lease times are the store's clock, so nodes need not agree on the time.

  /**
   * Claims {@code key} for a request with {@code token}: the key is new, or older than
   * {@code expiredBefore} (then it starts afresh), or its claim is free and {@code requestHash} is the
   * claim's (then it is taken over, keeping the recorded pick). The result is the key as it stands: held by
   * {@code token} when this caller claimed it (and must {@link #complete} or {@link #release} it), else
   * someone else's claim, running or done.
   */
  Future<Idempotency> claim(String accountId, String scope, String key, String requestHash, Instant expiredBefore,
      String node, String token, Duration lease);

  /** Extends the lease of the claim held by {@code token}; nothing when it no longer holds the key. */
  Future<Void> renew(String accountId, String scope, String key, String token, Duration lease);

  /** Records the pick made for the key; false when {@code token} no longer holds it (taken over). */
  Future<Boolean> recordPick(String accountId, String scope, String key, String token, RecordedPick pick);

  /** Stores the final response; false when {@code token} no longer holds the key (taken over). */
  Future<Boolean> complete(String accountId, String scope, String key, String token, int status, String body);

  /**
   * Gives back a claim whose request failed in a way worth retrying (e.g. 503): a key with a recorded pick
   * stays, free, for the retry to finish with that pick; one without is dropped, so that a retry runs anew.
   */
  Future<Void> release(String accountId, String scope, String key, String token);

  /** The key, or a null result. */
  Future<Idempotency> lookup(String accountId, String scope, String key);

  /**
   * Frees every unfinished claim of {@code node}: called when the node starts, before it serves, so the
   * claims its previous process left behind (crash) are taken over by the first retry, not after a lease.
   */
  Future<Integer> abandonClaims(String node);

  // ---- retention --------------------------------------------------------------------------------------

  /** Deletes up to {@code limit} keys created before {@code before}; the number deleted. */
  Future<Integer> purgeKeys(Instant before, int limit);

  /** Deletes up to {@code limit} lead history entries older than {@code before}; the number deleted. */
  Future<Integer> purgeEvents(Instant before, int limit);
}
