package io.leadrouter.edge;

import io.leadrouter.error.ApiException;
import io.leadrouter.error.ErrorKind;
import io.leadrouter.leads.Agent;
import io.leadrouter.leads.Lead;
import io.leadrouter.leads.LeadStore;
import io.leadrouter.leads.RecordedPick;
import io.leadrouter.owner.RotationService;
import io.leadrouter.owner.ServiceException;
import io.leadrouter.rotation.Member;
import io.leadrouter.store.Directory;
import io.leadrouter.util.Sha256;
import io.leadrouter.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lead comes in: the rotation's next user is picked and the lead stored with that owner, at most once per
 * {@code Idempotency-Key}. Shared by {@code POST /v1/leads} (a lead source with the rotation's ingest token)
 * and the event-bus API (a service with a JWT naming the rotation). The answer is the rendered response, as
 * stored for the key ({@link LeadFields#view}, 201); failures are {@link ApiException}s.
 */
public final class LeadIntake {

  private static final Logger LOG = LoggerFactory.getLogger(LeadIntake.class);
  /** The scope of lead Idempotency-Keys (both edges share it: a key names one lead, whichever way it came). */
  static final String SCOPE = "leads";

  /** The rotation a lead goes to and who hands it in ({@code by}: recorded in the lead's history). */
  public record Source(String accountId, long rotationId, String by) {}

  private final Directory directory;
  private final LeadStore leads;
  private final RotationService rotations;
  private final Idempotent idempotent;

  public LeadIntake(Directory directory, LeadStore leads, RotationService rotations, Idempotent idempotent) {
    this.directory = directory;
    this.leads = leads;
    this.rotations = rotations;
    this.idempotent = idempotent;
  }

  /**
   * A lead authenticated by an ingest token's secret: an unknown or revoked token, or one whose rotation was
   * deleted, is 401. {@code fields} are validated already, so bad input consumes no pick.
   */
  public Future<Idempotent.Response> byToken(String secret, Map<String, Object> fields, String key) {
    if (secret == null || secret.isBlank()) {
      return Future.failedFuture(ApiException.unauthorized("current_token: required (the ingest token of the rotation)"));
    }
    String hash = Idempotent.hash(Idempotent.canonical(new JsonObject(new LinkedHashMap<>(fields)).put("current_token", secret)));
    return leads.findToken(Sha256.of(secret)).compose(token -> {
      if (token == null || token.revoked()) {
        return Future.failedFuture(ApiException.unauthorized("current_token: unknown or revoked token"));
      }
      Source source = new Source(token.accountId(), token.rotationId(), "token:" + token.name());
      return idempotent.run(token.accountId(), SCOPE, key, hash, attempt -> assign(source, fields, attempt)
          .recover(LeadIntake::deletedRotation));
    });
  }

  /** A lead from an authenticated caller of the account, for one of its rotations (404 for another's). */
  public Future<Idempotent.Response> forRotation(Source source, Map<String, Object> fields, String key) {
    String hash = Idempotent.hash(String.valueOf(source.rotationId()), Idempotent.canonical(new JsonObject(new LinkedHashMap<>(fields))));
    return idempotent.run(source.accountId(), SCOPE, key, hash, attempt -> assign(source, fields, attempt));
  }

  /**
   * Picks (or, for a retry, takes the pick its key recorded), records the pick with the key, then stores
   * the lead: a lead that cannot be stored leaves its pick with the key, and the retry stores it with that
   * pick. Without a key a failed store spends the pick, and the answer says so.
   */
  private Future<Idempotent.Response> assign(Source source, Map<String, Object> fields, Idempotent.Attempt attempt) {
    String requestId = "lead:" + UUID.randomUUID();
    JsonObject why = new JsonObject().put("skipped", new JsonArray()); // of this call's pick (a recorded one: none)
    Future<RecordedPick> picked = attempt.recordedPick() != null ? Future.succeededFuture(attempt.recordedPick())
        : rotations.pick(source.accountId(), source.rotationId(), requestId)
        .map(r -> {
          why.put("skipped", Views.skipped(r.picked().skipped()));
          if (r.picked().fallbackFrom() != null) {
            why.put("fallbackFrom", r.picked().fallbackFrom());
          }
          Member m = r.picked().member();
          // a fallback pick is another rotation's: the lead names the rotation whose sequence it holds
          return new RecordedPick(r.picked().rotationId(), r.picked().sequence(), m.userId(), m.email(), m.name(),
              r.picked().at());
        }).compose(p -> attempt.recordPick(p).map(p));
    return picked.compose(pick -> directory.getUser(source.accountId(), pick.userId()).compose(user -> {
      Agent owner = new Agent(pick.userId(), pick.email(), pick.name(), user == null ? List.of() : user.roles(), true,
          pick.at());
      Lead lead = new Lead(0, source.accountId(), pick.rotationId(), pick.sequence(), pick.userId(), pick.email(),
          fields, pick.at(), source.by(), pick.at(), source.by(), 0);
      return leads.createLead(lead, owner, source.by());
    }).recover(e -> notStored(source, pick, attempt, e)))
        .map(lead -> new Idempotent.Response(201, LeadFields.view(lead).mergeIn(why).encode()));
  }

  /** A token whose rotation was deleted is no longer a token: 401, as for an unknown one, not 404. */
  private static <T> Future<T> deletedRotation(Throwable e) {
    return Future.failedFuture(e instanceof ApiException a && a.error() == ErrorKind.NOT_FOUND
        ? ApiException.unauthorized("current_token: unknown or revoked token (its rotation was deleted)") : e);
  }

  private static Future<Lead> notStored(Source source, RecordedPick pick, Idempotent.Attempt attempt, Throwable e) {
    String made = "pick " + pick.sequence() + " of rotation " + source.rotationId();
    // the pick is made and cannot be taken back: keep it traceable in the log and say so
    LOG.warn("lead not stored after {}: {}", made, e.getMessage());
    if (e instanceof StoreException s && s.kind() == StoreException.Kind.INVALID) {
      // the input can never be stored: a retry would fail alike, so no 503 "retry"
      return Future.failedFuture(ApiException.invalid("lead: " + e.getMessage() + " (" + made + " was made)"));
    }
    return Future.failedFuture(new ServiceException(503, "the lead could not be stored: " + e.getMessage() + "; "
        + (attempt.keyed() ? made + " is kept for this Idempotency-Key: retry with the same key to store the lead"
            + " with it" : made + " was spent: retry (with an Idempotency-Key, a retry would reuse the pick)")));
  }

}
