package io.leadrouter.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** An HTTP client bound to one account and token, for readable tests. Keep it in a field (Vert.x 5). */
public final class Api {

  public final WebClient client;
  private final int port;
  private final String token;
  private final String account;

  public Api(Vertx vertx, int port, String token, String account) {
    this(WebClient.create(vertx, new WebClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(32)),
        port, token, account);
  }

  private Api(WebClient client, int port, String token, String account) {
    this.client = client;
    this.port = port;
    this.token = token;
    this.account = account;
  }

  public Api as(String token, String account) {
    return new Api(client, port, token, account);
  }

  public HttpRequest<Buffer> request(HttpMethod method, String path) {
    HttpRequest<Buffer> r = client.request(method, port, "localhost", path);
    if (token != null) {
      r.putHeader("authorization", "Bearer " + token);
    }
    if (account != null) {
      r.putHeader("x-account-id", account);
    }
    return r;
  }

  public Future<HttpResponse<Buffer>> get(String path) {
    return request(HttpMethod.GET, path).send();
  }

  public Future<HttpResponse<Buffer>> delete(String path) {
    return request(HttpMethod.DELETE, path).send();
  }

  public Future<HttpResponse<Buffer>> send(HttpMethod method, String path, JsonObject body) {
    return request(method, path).sendJsonObject(body);
  }

  public Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return send(HttpMethod.POST, path, body);
  }

  public Future<HttpResponse<Buffer>> put(String path, JsonObject body) {
    return send(HttpMethod.PUT, path, body);
  }

  public Future<HttpResponse<Buffer>> patch(String path, JsonObject body) {
    return send(HttpMethod.PATCH, path, body);
  }

  /** Creates a rotation and returns its JSON (fails the future unless 201). */
  public Future<JsonObject> createRotation(JsonObject body) {
    return post("/lead-rotations", body).map(r -> {
      if (r.statusCode() != 201) {
        throw new IllegalStateException("create rotation: " + r.statusCode() + " " + r.bodyAsString());
      }
      return r.bodyAsJsonObject();
    });
  }
}
