package io.leadrouter.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP transport: Vert.x WebClient against the members or a load balancer. Picks go to
 * {@code POST /lead-rotations/{id}/next-user} with an {@code Idempotency-Key}; each attempt goes to the next base
 * URI in turn, so a member that is down costs one attempt, not the call.
 */
final class HttpLeadRouterClient implements LeadRouterClient {

  private record Endpoint(String host, int port, boolean ssl) {}

  private final WebClient web;
  private final ClientOptions options;
  private final Retry retry;
  private final List<Endpoint> endpoints = new ArrayList<>();
  private final AtomicInteger next = new AtomicInteger();

  HttpLeadRouterClient(Vertx vertx, List<String> baseUris, ClientOptions options) {
    if (baseUris.isEmpty()) {
      throw new IllegalArgumentException("baseUris: at least one http://host:port");
    }
    for (String raw : baseUris) {
      URI u = URI.create(raw);
      boolean ssl = "https".equals(u.getScheme());
      if (u.getHost() == null || !(ssl || "http".equals(u.getScheme()))) {
        throw new IllegalArgumentException("baseUris: expected http(s)://host:port, got " + raw);
      }
      endpoints.add(new Endpoint(u.getHost(), u.getPort() > 0 ? u.getPort() : ssl ? 443 : 80, ssl));
    }
    this.web = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.attemptTimeout().toMillis())));
    this.options = options;
    this.retry = new Retry(vertx, options);
  }

  @Override
  public Future<NextUser> nextUser(String accountId, long rotationId) {
    return nextUser(accountId, rotationId, UUID.randomUUID().toString());
  }

  @Override
  public Future<NextUser> nextUser(String accountId, long rotationId, String idempotencyKey) {
    return retry.call(n -> send(HttpMethod.POST, "/lead-rotations/" + rotationId + "/next-user", accountId,
        idempotencyKey, true, null)).map(NextUser::of);
  }

  @Override
  public Future<Picks> nextUsers(String accountId, long rotationId, int count) {
    return nextUsers(accountId, rotationId, count, UUID.randomUUID().toString());
  }

  @Override
  public Future<Picks> nextUsers(String accountId, long rotationId, int count, String idempotencyKey) {
    JsonObject body = new JsonObject().put("count", count);
    return retry.call(n -> send(HttpMethod.POST, "/lead-rotations/" + rotationId + "/next-users", accountId,
        idempotencyKey, true, body)).map(Picks::of);
  }

  @Override
  public Future<RotationInfo> rotation(String accountId, long rotationId) {
    return retry.call(n -> send(HttpMethod.GET, "/lead-rotations/" + rotationId, accountId, null, true, null))
        .map(RotationInfo::of);
  }

  @Override
  public Future<Lead> createLead(LeadRequest lead) {
    return createLead(lead, UUID.randomUUID().toString());
  }

  @Override
  public Future<Lead> createLead(LeadRequest lead, String idempotencyKey) {
    if (lead.ingestToken() == null) {
      // POST /v1/leads authenticates with the rotation's ingest token, not a JWT
      return Future.failedFuture(new IllegalArgumentException("createLead over HTTP needs the rotation's ingest "
          + "token: LeadRequest.withIngestToken(...)"));
    }
    JsonObject body = lead.fields().copy().put("current_token", lead.ingestToken());
    return retry.call(n -> send(HttpMethod.POST, "/v1/leads", null, idempotencyKey, false, body)).map(Lead::of);
  }

  @Override
  public Future<Void> close() {
    web.close();
    return Future.succeededFuture();
  }

  private Future<JsonObject> send(HttpMethod method, String path, String accountId, String key, boolean jwt,
      JsonObject body) {
    Endpoint e = endpoints.get(Math.floorMod(next.getAndIncrement(), endpoints.size()));
    HttpRequest<Buffer> request = web.request(method, e.port(), e.host(), path).ssl(e.ssl())
        .timeout(options.attemptTimeout().toMillis());
    if (jwt) {
      request.putHeader("authorization", "Bearer " + options.token().get());
    }
    if (accountId != null) {
      request.putHeader("x-account-id", accountId);
    }
    if (key != null) {
      request.putHeader("idempotency-key", key);
    }
    Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendJsonObject(body);
    return sent.transform(ar -> {
      if (ar.failed()) { // not connected, reset, or no answer in time: whether it ran, the key settles
        return Future.failedFuture(new LeadRouterException(503, "unavailable", method + " " + path + " at "
            + e.host() + ":" + e.port() + ": " + ar.cause()));
      }
      HttpResponse<Buffer> r = ar.result();
      if (r.statusCode() >= 200 && r.statusCode() < 300) {
        return Future.succeededFuture(r.bodyAsJsonObject());
      }
      return Future.failedFuture(error(r));
    });
  }

  /** {@code {"error": {"code", "message"}}} as the API sends it; anything else (a proxy's page) by its status. */
  private static LeadRouterException error(HttpResponse<Buffer> r) {
    try {
      JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
      if (error != null) {
        return new LeadRouterException(r.statusCode(), error.getString("code"), error.getString("message"));
      }
    } catch (DecodeException | ClassCastException | NullPointerException ignored) {
      // not the API's error body
    }
    return new LeadRouterException(r.statusCode(), null, "HTTP " + r.statusCode() + " " + r.statusMessage());
  }
}
