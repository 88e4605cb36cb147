package io.leadrouter.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.Api;
import io.leadrouter.testing.ServiceProcess;
import io.leadrouter.testing.TcpProxy;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Postgres unreachable while picks go on: the service reaches it through a TCP proxy the test cuts (every
 * connection closed, new ones refused) and restores. Picks are served and buffered up to the limit, then
 * refused with 503; configuration writes fail fast with 503; after the return every acknowledged pick is
 * in the log exactly once and nothing else is.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OutageTest {

  /** Per owner; the service runs one owner, so this is the whole buffer. */
  private static final int BUFFER = 300;
  /** Smaller than the buffer, as with the defaults: the outage outlasts the reserved sequence block. */
  private static final int BLOCK = 100;
  private static final int REQUEST_TIMEOUT_MS = 5_000;

  private String pgUri;
  private TcpProxy proxy;
  private Api api;

  @AfterEach
  void cleanUp() {
    if (proxy != null) {
      proxy.close();
    }
    if (pgUri != null) {
      TestPostgres.dropDatabase(pgUri);
    }
  }

  @Test
  void picksAreBufferedThroughAnOutageUpToTheLimitAndAllReachTheLog(Vertx vertx, @TempDir Path data) throws Exception {
    pgUri = TestPostgres.freshDatabaseUri();
    PgConnectOptions direct = PgConnectOptions.fromUri(pgUri);
    proxy = TcpProxy.start(vertx, direct.getHost(), direct.getPort()).await(10, TimeUnit.SECONDS);
    String viaProxy = "postgresql://" + direct.getUser() + (direct.getPassword() == null ? "" : ":" + direct.getPassword())
        + "@127.0.0.1:" + proxy.port() + "/" + direct.getDatabase();
    List<Long> acked = new ArrayList<>();

    try (ServiceProcess service = Harness.start(viaProxy, data, "--owners", "1", "--write-buffer-max",
        String.valueOf(BUFFER), "--sequence-block", String.valueOf(BLOCK), "--flush-interval-ms", "50",
        "--request-timeout-ms", String.valueOf(REQUEST_TIMEOUT_MS))) {
      api = Harness.api(vertx, service.awaitListening(Duration.ZERO));
      long id = Harness.createRotation(api);
      String pick = "/lead-rotations/" + id + "/next-user";
      for (int i = 0; i < 50; i++) {
        acked.add(sequence(ok(Harness.get(api, pick))));
      }
      Harness.awaitUntil(() -> Harness.loggedCount(pgUri, id) == 50, Duration.ofSeconds(10), () -> "50 picks logged");

      proxy.cut();

      // configuration is written through: it fails fast, before the request times out, and says why
      long started = System.nanoTime();
      HttpResponse<Buffer> status = api.patch("/lead-rotations/" + id + "/status", new JsonObject().put("status", "queued"))
          .await(30, TimeUnit.SECONDS);
      assertUnavailable(status, "postgres unavailable");
      HttpResponse<Buffer> create = api.post("/lead-rotations", new JsonObject().put("name", "during outage")
          .put("members", new JsonArray().add("dee@example.com"))).await(30, TimeUnit.SECONDS);
      assertUnavailable(create, "postgres unavailable");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(REQUEST_TIMEOUT_MS));

      // picks go on from memory until the buffer holds BUFFER of them (nothing was buffered at the cut)
      HttpResponse<Buffer> refused = null;
      for (int i = 0; i <= BUFFER; i++) {
        HttpResponse<Buffer> r = Harness.get(api, pick);
        if (r.statusCode() != 200) {
          refused = r;
          break;
        }
        acked.add(sequence(r));
      }
      assertThat(acked.size() - 50).as("picks served during the outage before %s",
          refused == null ? "none refused" : refused.bodyAsString()).isEqualTo(BUFFER);
      assertUnavailable(refused, "write-behind buffer full");
      // readiness reads what the owner publishes once per flush interval
      Harness.awaitUntil(() -> readiness() == 503, Duration.ofSeconds(5), () -> "/health/ready 503 with a full buffer");
      Harness.awaitUntil(() -> Harness.warned(service, "write-behind: flush failed")
          && Harness.warned(service, "write-behind: store still unreachable"), Duration.ofSeconds(10),
          () -> "WARN lines of the write-behind in\n" + Harness.log(service));
      assertThat(Harness.loggedCount(pgUri, id)).isEqualTo(50);

      proxy.restore();

      Harness.awaitUntil(() -> Harness.loggedCount(pgUri, id) == acked.size(), Duration.ofSeconds(30),
          () -> Harness.loggedCount(pgUri, id) + " of " + acked.size() + " picks logged");
      Harness.awaitUntil(() -> Harness.logged(service, "write-behind: store reachable again"), Duration.ofSeconds(10),
          () -> "recovery line in\n" + Harness.log(service));
      Harness.awaitUntil(() -> readiness() == 200, Duration.ofSeconds(5), () -> "/health/ready 200 once drained");
      for (int i = 0; i < 20; i++) {
        acked.add(sequence(ok(Harness.get(api, pick))));
      }
      assertThat(ok(api.patch("/lead-rotations/" + id + "/status", new JsonObject().put("status", "active"))
          .await(30, TimeUnit.SECONDS)).bodyAsJsonObject().getString("status")).isEqualTo("active");

      assertThat(service.terminate()).isIn(0, 143);
      // every acknowledged pick exactly once, and no refused one: the log is exactly 1..n
      assertThat(acked).containsExactlyElementsOf(LongStream.rangeClosed(1, acked.size()).boxed().toList());
      assertThat(Harness.loggedSequences(pgUri, id)).containsExactlyElementsOf(acked);
    }
  }

  private int readiness() {
    return api.get("/health/ready").await().statusCode();
  }

  private static HttpResponse<Buffer> ok(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r;
  }

  private static long sequence(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getLong("sequence");
  }

  private static void assertUnavailable(HttpResponse<Buffer> r, String why) {
    assertThat(r).as("a refused request").isNotNull();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(503);
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("unavailable");
    assertThat(error.getString("message")).contains(why);
  }
}
