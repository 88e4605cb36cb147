package io.leadrouter.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.Api;
import io.leadrouter.testing.ServiceProcess;
import io.leadrouter.testing.TcpProxy;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
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
 * Postgres behind a network that silently stops forwarding (no reset, no close): the service reaches it
 * through a TCP proxy the test blackholes and resumes. Requests that need the store answer 503 within
 * request-timeout-ms (not when the network comes back), readiness reports the store DOWN, the write-behind
 * gives up on its hung flush and retries; after the return everything works again and every acknowledged
 * pick is in the log exactly once.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BlackholeTest {

  private static final int REQUEST_TIMEOUT_MS = 5_000;
  /** What a loaded machine may add to request-timeout-ms before the answer arrives. */
  private static final Duration MARGIN = Duration.ofMillis(2_500);
  private static final Duration BOUND = Duration.ofMillis(REQUEST_TIMEOUT_MS).plus(MARGIN);

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
  void requestsNeedingABlackholedStoreAnswer503InTimeAndAllRecoversAfterwards(Vertx vertx, @TempDir Path data)
      throws Exception {
    pgUri = TestPostgres.freshDatabaseUri();
    proxy = TcpProxy.forPostgres(vertx, pgUri).await(10, TimeUnit.SECONDS);
    List<Long> acked = new ArrayList<>();

    try (ServiceProcess service = Harness.start(proxy.via(pgUri), data, "--owners", "1", "--flush-interval-ms", "50",
        "--request-timeout-ms", String.valueOf(REQUEST_TIMEOUT_MS))) {
      api = Harness.api(vertx, service.awaitListening(Duration.ZERO));
      long id = Harness.createRotation(api);
      String pick = "/lead-rotations/" + id + "/next-user";
      for (int i = 0; i < 10; i++) {
        acked.add(sequence(ok(Harness.get(api, pick))));
      }
      Harness.awaitUntil(() -> Harness.loggedCount(pgUri, id) == 10, Duration.ofSeconds(10), () -> "10 picks logged");
      assertThat(readiness().getJsonObject("checks").getString("store")).isEqualTo("UP");

      proxy.blackhole();

      // picks go on from memory; their flush hangs on the blackholed connection until the store's timeout
      for (int i = 0; i < 20; i++) {
        acked.add(sequence(ok(Harness.get(api, pick))));
      }
      Duration write = timed503(api.post("/lead-rotations", new JsonObject().put("name", "during the blackhole")
          .put("members", new JsonArray().add("dee@example.com"))), "create a rotation");
      Duration read = timed503(api.get("/lead-rotations"), "list rotations");
      Duration load = timed503(api.get("/lead-rotations/987654/next-user"), "pick on a rotation not in memory");
      System.out.printf("blackholed store: 503 after %d ms (create), %d ms (list), %d ms (pick needing a load)%n",
          write.toMillis(), read.toMillis(), load.toMillis());

      long started = System.nanoTime();
      JsonObject ready = readiness();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(BOUND);
      assertThat(ready.getJsonObject("checks").getString("store")).as(ready.encode()).startsWith("DOWN");
      // the write-behind's flush failed (it did not hang) and is being retried
      Harness.awaitUntil(() -> Harness.warned(service, "write-behind: flush failed"), BOUND,
          () -> "a failed flush in\n" + Harness.log(service));
      assertThat(Harness.loggedCount(pgUri, id)).isEqualTo(10);

      proxy.resume();

      Harness.awaitUntil(() -> Harness.loggedCount(pgUri, id) == acked.size(), Duration.ofSeconds(30),
          () -> Harness.loggedCount(pgUri, id) + " of " + acked.size() + " picks logged");
      HttpResponse<Buffer> created = api.post("/lead-rotations", new JsonObject().put("name", "after the blackhole")
          .put("members", new JsonArray().add("dee@example.com"))).await(30, TimeUnit.SECONDS);
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      assertThat(ok(Harness.get(api, "/lead-rotations")).bodyAsJsonObject().getLong("total")).isEqualTo(2);
      for (int i = 0; i < 10; i++) {
        acked.add(sequence(ok(Harness.get(api, pick))));
      }
      Harness.awaitUntil(() -> readiness().getJsonObject("checks").getString("store").equals("UP"),
          Duration.ofSeconds(10), () -> "store UP again");

      assertThat(service.terminate()).isIn(0, 143);
      assertThat(acked).containsExactlyElementsOf(LongStream.rangeClosed(1, acked.size()).boxed().toList());
      assertThat(Harness.loggedSequences(pgUri, id)).containsExactlyElementsOf(acked);
    }
  }

  /** Sends the request, checks it answered 503 within {@link #BOUND}, and returns how long it took. */
  private static Duration timed503(Future<HttpResponse<Buffer>> request, String what) throws Exception {
    long started = System.nanoTime();
    HttpResponse<Buffer> r;
    try {
      r = request.await(BOUND.toMillis() + 20_000, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(what + ": no answer within " + (BOUND.toMillis() + 20_000) + " ms");
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(r.statusCode()).as(what + ": " + r.bodyAsString()).isEqualTo(503);
    assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("unavailable");
    assertThat(took).as(what + " answered after " + took.toMillis() + " ms").isLessThan(BOUND);
    return took;
  }

  private JsonObject readiness() {
    return api.get("/health/ready").await().bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> ok(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r;
  }

  private static long sequence(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getLong("sequence");
  }
}
