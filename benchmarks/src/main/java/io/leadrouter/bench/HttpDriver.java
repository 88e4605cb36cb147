package io.leadrouter.bench;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * HTTP/1.1 load on keep-alive connections that this driver opens itself (no pool in between, no
 * pipelining): each slot is one connection with at most one request in flight. The same client, headers and
 * response handling for every target, so targets differ only on the server side.
 */
final class HttpDriver extends Driver {

  private static final byte[] SEQUENCE = "\"sequence\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CURRENT_USER = "\"currentUser\":\"".getBytes(StandardCharsets.US_ASCII);

  private final String host;
  private final int port;
  private final RequestOptions request;
  private final Map<String, Integer> memberIndex;
  private final long timeoutMs;
  private HttpClientAgent client;

  HttpDriver(LoadRun run, int connections, double ratePerSecond, String host, int port, String path,
      MultiMap headers, Map<String, Integer> memberIndex, long timeoutMs) {
    super(run, connections, ratePerSecond);
    this.host = host;
    this.port = port;
    this.memberIndex = memberIndex;
    this.timeoutMs = timeoutMs;
    this.request = new RequestOptions().setMethod(HttpMethod.GET).setURI(path).setHeaders(headers)
        .setIdleTimeout(timeoutMs);
  }

  @Override
  public Future<?> start() {
    client = vertx.httpClientBuilder().with(new HttpClientOptions().setKeepAlive(true).setPipelining(false)
        .setConnectTimeout((int) Math.min(timeoutMs, Integer.MAX_VALUE)).setTcpNoDelay(true)).build();
    return super.start();
  }

  @Override
  public Future<?> stop() {
    return client.close();
  }

  @Override
  protected Future<Slot> open() {
    return client.connect(new HttpConnectOptions().setHost(host).setPort(port)).map(c -> {
      Slot s = new Slot();
      s.connection = c;
      c.closeHandler(v -> s.closed = true);
      return s;
    });
  }

  @Override
  protected Future<Void> call(Slot slot) {
    HttpClientConnection c = (HttpClientConnection) slot.connection;
    return c.request(request)
        .compose(HttpClientRequest::send)
        .compose(resp -> {
          if (resp.statusCode() != 200) {
            return resp.body().transform(ar -> Future.failedFuture(new CallError("status " + resp.statusCode())));
          }
          return resp.body().map(this::check);
        });
  }

  /** Logs the pick a 200 carries: {@code sequence} and {@code currentUser}, found by a byte scan (no JSON tree). */
  private Void check(Buffer body) {
    if (log == null) {
      return null;
    }
    byte[] b = body.getBytes();
    int at = indexOf(b, SEQUENCE, 0);
    if (at < 0) {
      throw new CallError("bad body: no sequence");
    }
    int i = at + SEQUENCE.length;
    long seq = 0;
    boolean digits = false;
    while (i < b.length && b[i] >= '0' && b[i] <= '9') {
      seq = seq * 10 + (b[i++] - '0');
      digits = true;
    }
    int u = indexOf(b, CURRENT_USER, 0);
    if (!digits || u < 0) {
      throw new CallError("bad body: no sequence or currentUser");
    }
    int start = u + CURRENT_USER.length;
    int end = start;
    while (end < b.length && b[end] != '"') {
      end++;
    }
    Integer member = memberIndex.get(new String(b, start, end - start, StandardCharsets.UTF_8));
    log.add(seq, member == null ? -1 : member);
    return null;
  }

  static int indexOf(byte[] b, byte[] pattern, int from) {
    outer:
    for (int i = from; i <= b.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (b[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
