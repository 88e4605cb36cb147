package io.leadrouter.bus;

import io.leadrouter.auth.Authenticator;
import io.leadrouter.auth.Caller;
import io.leadrouter.edge.BatchPick;
import io.leadrouter.edge.Contract;
import io.leadrouter.edge.Edge;
import io.leadrouter.edge.Idempotent;
import io.leadrouter.edge.LeadFields;
import io.leadrouter.edge.LeadIntake;
import io.leadrouter.edge.ReassignInput;
import io.leadrouter.edge.Reassignment;
import io.leadrouter.edge.Services;
import io.leadrouter.edge.Views;
import io.leadrouter.error.ApiException;
import io.leadrouter.error.Failure;
import io.leadrouter.ops.Metrics;
import io.leadrouter.owner.RotationService;
import io.leadrouter.store.Directory;
import io.leadrouter.store.Text;
import io.leadrouter.util.Consumers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-bus API for services in the same cluster, with the semantics and account checks of HTTP, calling
 * the same services ({@link LeadIntake}, {@link Reassignment}).
 *
 * <p>Request: a JSON object naming the account ({@code "accountId": "2311"}, optional when the token grants
 * one) with the header {@code authorization: Bearer <JWT>}; {@code x-request-id} is optional. Per address:
 * <ul>
 *   <li>{@link #NEXT_USER}, {@link #GET_ROTATION}: {@code {"rotationId": 7}}; reply: the HTTP route's JSON;
 *       a next-user with the header {@code idempotency-key} picks at most once per key (keys are shared with
 *       {@code POST /lead-rotations/{id}/next-user});
 *   <li>{@link #NEXT_USERS}: {@code {"rotationId": 7, "count": 10}} (1..100): that many picks in one reply,
 *       as {@code POST /lead-rotations/{id}/next-users} answers ({@link BatchPick}); {@code idempotency-key} as
 *       for next-user (keys shared with that route);
 *   <li>{@link #CREATE_LEAD}: {@code {"rotationId": 7, "lead": {...the seed's lead fields}}}, optional header
 *       {@code idempotency-key} (keys are shared with {@code POST /v1/leads}); reply: the lead as
 *       {@code POST /v1/leads} answers it;
 *   <li>{@link #REASSIGN}: {@code {"reassign": {ApplicationId, Assignments, PrimaryAgent,
 *       UnassignAllOtherUsers}}}; reply: {@code {"Message", "Success"}} as over HTTP ({@code Success: false}
 *       for a refused request).
 * </ul>
 * The {@code lead} and {@code reassign} objects are checked against the same schemas of the API document as the
 * HTTP bodies ({@link Contract}); a lead's refusal names {@code lead.<field>}.
 * Failure: a {@code ReplyException} whose failure code is the HTTP status (400, 401, 403, 404, 409, 503) and
 * whose message is the HTTP error message.
 */
public final class EventBusApiVerticle extends VerticleBase {

  public static final String NEXT_USER = "leadrouter.api.next-user";
  public static final String GET_ROTATION = "leadrouter.api.get-rotation";
  public static final String CREATE_LEAD = "leadrouter.api.create-lead";
  public static final String REASSIGN = "leadrouter.api.reassign";
  public static final String NEXT_USERS = "leadrouter.api.next-users";
  /** The scope of next-user Idempotency-Keys, shared with {@code POST /lead-rotations/{id}/next-user}. */
  private static final String NEXT_USER_SCOPE = "next-user";
  /** The scope of next-users Idempotency-Keys, shared with {@code POST /lead-rotations/{id}/next-users}. */
  private static final String NEXT_USERS_SCOPE = "next-users";

  private static final Logger LOG = LoggerFactory.getLogger(EventBusApiVerticle.class);

  private final JWTAuthOptions jwtOptions;
  private final Edge edge;
  private final RotationService rotations;
  private final Directory directory;
  private final Metrics metrics;
  private Authenticator authenticator;
  private Services services;
  private Contract contract;

  public EventBusApiVerticle(JWTAuthOptions jwtOptions, Edge edge) {
    this.jwtOptions = jwtOptions;
    this.edge = edge;
    this.rotations = edge.rotations();
    this.directory = edge.directory();
    this.metrics = edge.metrics();
  }

  @Override
  public Future<?> start() {
    authenticator = new Authenticator(JWTAuth.create(vertx, jwtOptions));
    services = Services.of(vertx, edge);
    return Contract.load(vertx).compose(c -> {
      contract = c;
      return listen();
    });
  }

  private Future<?> listen() {
    return Future.join(
        Consumers.registered(vertx, NEXT_USER, () -> vertx.eventBus().<Object>consumer(NEXT_USER, m -> handle(m, this::nextUser))),
        Consumers.registered(vertx, GET_ROTATION, () -> vertx.eventBus().<Object>consumer(GET_ROTATION, m -> handle(m, this::getRotation))),
        Consumers.registered(vertx, CREATE_LEAD, () -> vertx.eventBus().<Object>consumer(CREATE_LEAD, m -> handle(m, this::createLead))),
        Consumers.registered(vertx, REASSIGN, () -> vertx.eventBus().<Object>consumer(REASSIGN, m -> handle(m, this::reassign))),
        Consumers.registered(vertx, NEXT_USERS, () -> vertx.eventBus().<Object>consumer(NEXT_USERS, m -> handle(m, this::nextUsers))));
  }

  /** One request: its body, its authenticated caller, and its headers. */
  private record Request(JsonObject body, Caller caller, Message<Object> message) {

    String header(String name) {
      return message.headers().get(name);
    }
  }

  /** Checks what every address takes (body, account, request id), authenticates, then runs {@code action}. */
  private void handle(Message<Object> message, BiFunction<Request, Long, Future<JsonObject>> action) {
    long started = System.nanoTime();
    if (!(message.body() instanceof JsonObject body)) {
      fail(message, ApiException.invalid("body: must be a JSON object {\"rotationId\": ..., \"accountId\": ...}"));
      return;
    }
    Object account = body.getValue("accountId");
    if (account != null && !(account instanceof String)) {
      fail(message, ApiException.invalid("accountId: must be a string"));
      return;
    }
    try {
      Text.check(message.headers().get("x-request-id"), "x-request-id");
      Text.check((String) account, "accountId");
    } catch (ApiException e) {
      fail(message, e);
      return;
    }
    authenticator.authenticate(message.headers().get("authorization"), (String) account)
        .compose(caller -> action.apply(new Request(body, caller, message), started))
        .onSuccess(message::reply)
        .onFailure(e -> fail(message, e));
  }

  /**
   * A pick; with the header {@code idempotency-key}, at most one per key, exactly as {@code POST …/next-user}
   * with {@code Idempotency-Key} (the same keys: a key used over HTTP and over the bus for the same rotation is
   * one request). The request a key stands for is the rotation plus any other body field (compared as JSON);
   * {@code accountId} is already the key's scope.
   */
  private Future<JsonObject> nextUser(Request r, long started) {
    long rotationId = rotationId(r.body());
    String requestId = r.header("x-request-id");
    return keyed(r, NEXT_USER_SCOPE, rotationId, id -> rotations.pick(r.caller().accountId(), rotationId,
        id == null ? requestId : id).map(Views::nextUser))
        .onComplete(reply -> metrics.nextUser(started, null), e -> metrics.nextUser(started, e));
  }

  /** Several picks; with {@code idempotency-key}, once per key, shared with {@code POST …/next-users}. */
  private Future<JsonObject> nextUsers(Request r, long started) {
    long rotationId = rotationId(r.body());
    int count = BatchPick.count(r.body().getValue("count"), "count");
    String requestId = r.header("x-request-id");
    return keyed(r, NEXT_USERS_SCOPE, rotationId, id -> services.batchPick().pick(r.caller().accountId(), rotationId,
        count, id == null ? requestId : id));
  }

  /**
   * Runs {@code action} at most once per the request's {@code idempotency-key} (none: plainly), as the HTTP route
   * of {@code scope} does, with the same keys: the request a key stands for is the rotation plus the other body
   * fields (compared as JSON; {@code accountId} is the key's scope already, and a body left empty is the same
   * request as a bodiless POST). {@code action} gets the pick's request id for the log ({@code idem:<key>}, or
   * null without a key).
   */
  private Future<JsonObject> keyed(Request r, String scope, long rotationId,
      Function<String, Future<JsonObject>> action) {
    String key = Idempotent.validKey(r.header("idempotency-key"));
    if (key == null) {
      return action.apply(null);
    }
    JsonObject rest = r.body().copy();
    rest.remove("accountId");
    rest.remove("rotationId");
    String hash = Idempotent.hash(String.valueOf(rotationId), rest.isEmpty() ? "" : Idempotent.canonical(rest));
    return services.idempotent().run(r.caller().accountId(), scope, key, hash, attempt -> action.apply("idem:" + key)
        .map(json -> new Idempotent.Response(200, json.encode()))).compose(EventBusApiVerticle::replied);
  }

  /** A response kept for an Idempotency-Key, as a reply: an error answer fails as it did the first time. */
  private static Future<JsonObject> replied(Idempotent.Response answer) {
    JsonObject json = new JsonObject(answer.body());
    if (answer.status() >= 300) {
      return Future.failedFuture(new ApiException(answer.status(),
          json.getJsonObject("error", new JsonObject()).getString("message")));
    }
    return Future.succeededFuture(json);
  }

  private Future<JsonObject> getRotation(Request r, long started) {
    return rotations.get(r.caller().accountId(), rotationId(r.body())).compose(s -> s.teamId() == null
        ? Future.succeededFuture(Views.rotation(s, null))
        : directory.getTeam(s.accountId(), s.teamId()).map(t -> Views.rotation(s, t)));
  }

  private Future<JsonObject> createLead(Request r, long started) {
    long rotationId = rotationId(r.body());
    JsonObject lead = object(r.body(), "lead");
    Text.checkJson(lead, "lead");
    if (lead.containsKey("current_token")) {
      throw ApiException.invalidField("lead.current_token", "unknown field (the caller's JWT names the rotation)");
    }
    // the document's CreateLead is the lead's fields plus the ingest token, which the bus has no use for: the
    // lead is checked as if it carried one
    contract.check("createLead", lead.copy().put("current_token", "event-bus"), "lead");
    var fields = LeadFields.parse(lead);
    String key = Idempotent.validKey(r.header("idempotency-key"));
    LeadIntake.Source source = new LeadIntake.Source(r.caller().accountId(), rotationId, r.caller().subject());
    return services.leadIntake().forRotation(source, fields, key).compose(EventBusApiVerticle::replied);
  }

  private Future<JsonObject> reassign(Request r, long started) {
    Future<Void> applied;
    try {
      JsonObject body = object(r.body(), "reassign");
      Text.checkJson(body, "reassign");
      applied = services.reassignment().reassign(r.caller().accountId(), r.caller().subject(),
          ReassignInput.parse(contract, body, ""));
    } catch (ApiException e) {
      applied = Future.failedFuture(e instanceof Reassignment.Refused ? e : new Reassignment.Refused(e.getMessage()));
    }
    return applied.transform(ar -> ar.succeeded() ? Future.succeededFuture(Reassignment.result(null))
        : Reassignment.refused(ar.cause()) ? Future.succeededFuture(Reassignment.result(ar.cause()))
        : Future.failedFuture(ar.cause()));
  }

  private static long rotationId(JsonObject body) {
    Object raw = body.getValue("rotationId");
    if (raw instanceof Number n && n.longValue() > 0 && n.doubleValue() == n.longValue()) {
      return n.longValue();
    } else if (raw instanceof String s && s.matches("[1-9][0-9]{0,18}")) {
      return Long.parseLong(s);
    }
    throw ApiException.invalid("rotationId: must be a positive integer");
  }

  private static JsonObject object(JsonObject body, String field) {
    if (!(body.getValue(field) instanceof JsonObject o)) {
      throw ApiException.invalid(field + ": required, a JSON object");
    }
    return o;
  }

  /** The failure code is the HTTP status of the same failure ({@link Failure#of}), the message its message. */
  private static void fail(Message<?> message, Throwable e) {
    Failure f = Failure.of(e);
    if (f.unexpected()) {
      LOG.error("event-bus API: unexpected failure", e);
    }
    message.fail(f.status(), f.message());
  }
}
