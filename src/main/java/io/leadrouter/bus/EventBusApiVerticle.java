package io.leadrouter.bus;

import io.leadrouter.auth.Authenticator;
import io.leadrouter.edge.Edge;
import io.leadrouter.edge.Views;
import io.leadrouter.error.ApiException;
import io.leadrouter.error.Failure;
import io.leadrouter.owner.RotationService;
import io.leadrouter.store.Directory;
import io.leadrouter.store.Text;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-bus API for services in the same cluster, with the semantics and account checks of HTTP.
 *
 * <p>Request: a JSON object {@code {"rotationId": 7, "accountId": "2311"}} with the header
 * {@code authorization: Bearer <JWT>}. Reply: the same JSON as the HTTP route. Failure: a
 * {@code ReplyException} whose failure code is the HTTP status (400, 401, 403, 404, 409, 503) and whose
 * message is the HTTP error message.
 */
public final class EventBusApiVerticle extends VerticleBase {

  public static final String NEXT_USER = "leadrouter.api.next-user";
  public static final String GET_ROTATION = "leadrouter.api.get-rotation";

  private static final Logger LOG = LoggerFactory.getLogger(EventBusApiVerticle.class);

  private final JWTAuthOptions jwtOptions;
  private final RotationService rotations;
  private final Directory directory;
  private final Timer nextUserLatency;
  private Authenticator authenticator;

  public EventBusApiVerticle(JWTAuthOptions jwtOptions, Edge edge) {
    this.jwtOptions = jwtOptions;
    this.rotations = edge.rotations();
    this.directory = edge.directory();
    this.nextUserLatency = edge.metrics().nextUserLatency();
  }

  @Override
  public Future<?> start() {
    authenticator = new Authenticator(JWTAuth.create(vertx, jwtOptions));
    return Future.join(
        vertx.eventBus().<Object>consumer(NEXT_USER, m -> handle(m, true)).completion(),
        vertx.eventBus().<Object>consumer(GET_ROTATION, m -> handle(m, false)).completion());
  }

  private void handle(Message<Object> message, boolean pick) {
    long started = System.nanoTime();
    if (!(message.body() instanceof JsonObject body)) {
      fail(message, ApiException.invalid("body: must be a JSON object {\"rotationId\": ..., \"accountId\": ...}"));
      return;
    }
    Object rawId = body.getValue("rotationId");
    long id;
    if (rawId instanceof Number n && n.longValue() > 0 && n.doubleValue() == n.longValue()) {
      id = n.longValue();
    } else if (rawId instanceof String s && s.matches("[1-9][0-9]{0,18}")) {
      id = Long.parseLong(s);
    } else {
      fail(message, ApiException.invalid("rotationId: must be a positive integer"));
      return;
    }
    Object account = body.getValue("accountId");
    if (account != null && !(account instanceof String)) {
      fail(message, ApiException.invalid("accountId: must be a string"));
      return;
    }
    String requestId = message.headers().get("x-request-id");
    String problem = requestId == null ? null : Text.problem(requestId);
    if (problem == null && account != null) {
      problem = Text.problem((String) account);
      if (problem != null) {
        fail(message, ApiException.invalid("accountId: " + problem));
        return;
      }
    }
    if (problem != null) {
      fail(message, ApiException.invalid("x-request-id: " + problem));
      return;
    }
    authenticator.authenticate(message.headers().get("authorization"), (String) account)
        .compose(caller -> pick
            ? rotations.pick(caller.accountId(), id, requestId).map(Views::nextUser)
            : rotations.get(caller.accountId(), id).compose(s -> s.teamId() == null
                ? Future.succeededFuture(Views.rotation(s, null))
                : directory.getTeam(s.accountId(), s.teamId()).map(t -> Views.rotation(s, t))))
        .onSuccess(reply -> {
          if (pick) {
            nextUserLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
          }
          message.reply(reply);
        })
        .onFailure(e -> fail(message, e));
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
