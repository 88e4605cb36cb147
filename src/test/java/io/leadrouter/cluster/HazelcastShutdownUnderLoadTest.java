package io.leadrouter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The Hazelcast instance under a member goes away while its owners replicate picks: every request still
 * gets an answer (long before the request timeout), and the member's owners still stop. Replica calls that
 * throw instead of failing their future once stranded every pick waiting behind them.
 */
class HazelcastShutdownUnderLoadTest {

  /** Far above the bounds asserted below: an answer that only comes from the timeout fails the test. */
  private static final String REQUEST_TIMEOUT_MS = "60000";

  @Test
  void everyRequestIsAnsweredAndTheOwnersStop() throws Exception {
    String pgUri = TestPostgres.freshDatabaseUri();
    List<Integer> ports = InJvmMember.freePorts(3);
    List<InJvmMember> members = new ArrayList<>();
    Vertx client = Vertx.vertx();
    try {
      for (int port : ports) {
        members.add(InJvmMember.start(pgUri, port, ports, "--request-timeout-ms", REQUEST_TIMEOUT_MS));
      }
      InJvmMember victim = members.get(0);
      String token = TestApp.token(client, "ops@example.com", "2311");
      Api api = new Api(client, victim.httpPort(), token, "2311");
      List<Api> all = new ArrayList<>();
      for (InJvmMember m : members) {
        all.add(new Api(client, m.httpPort(), token, "2311"));
      }
      InJvmMember.awaitSettled(all, 3);
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ids.add(api.createRotation(new JsonObject().put("name", "shutdown " + i).put("members", new JsonArray()
            .add("a@example.com").add("b@example.com"))).await(30, TimeUnit.SECONDS).getLong("id"));
      }
      for (long id : ids) { // every rotation active, on whichever member owns it
        assertThat(api.get("/lead-rotations/" + id + "/next-user").await(30, TimeUnit.SECONDS).statusCode())
            .isEqualTo(200);
      }

      // keep 64 picks in flight through the victim's HTTP, then pull its Hazelcast instance from under it
      List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
      List<Future<HttpResponse<Buffer>>> fired = calls;
      AtomicLong lastAnswer = new AtomicLong();
      long until = System.currentTimeMillis() + 1_500;
      for (int i = 0; i < 64; i++) {
        fire(api, ids, fired, lastAnswer, until, i);
      }
      Thread.sleep(1_000);
      long terminatedAt = System.currentTimeMillis();
      victim.node.hazelcast().getLifecycleService().terminate();

      Thread.sleep(Math.max(0, until + 100 - System.currentTimeMillis())); // no call is fired after this
      synchronized (calls) {
        calls = new ArrayList<>(calls);
      }
      Future.join(calls).await(2, TimeUnit.MINUTES);
      long lastMs = lastAnswer.get() - terminatedAt;
      assertThat(calls).allMatch(Future::succeeded);
      assertThat(lastMs).as("every request answered soon after the shutdown (not by the %s ms timeout)",
          REQUEST_TIMEOUT_MS).isLessThan(20_000);
      long ok = calls.stream().filter(c -> c.result().statusCode() == 200).count();
      assertThat(ok).as("picks were served before the shutdown").isPositive();
      List<String> others = calls.stream().map(Future::result)
          .filter(r -> r.statusCode() != 200 && r.statusCode() != 503)
          .map(r -> r.statusCode() + " " + r.bodyAsString()).distinct().toList();
      assertThat(others).as("answers other than 200 and 503").isEmpty();

      // the owners' stop waits for every pick sent to the replica: it must complete
      victim.app.stop().await(60, TimeUnit.SECONDS);
    } finally {
      members.get(0).store.close().await(10, TimeUnit.SECONDS);
      members.get(0).node.vertx().close().await(60, TimeUnit.SECONDS);
      for (int i = 1; i < members.size(); i++) {
        members.get(i).stop();
      }
      client.close().await(10, TimeUnit.SECONDS);
      TestPostgres.dropDatabase(pgUri);
    }
  }

  /** One caller: picks one after another until {@code until}, then stops. */
  private static void fire(Api api, List<Long> ids, List<Future<HttpResponse<Buffer>>> calls, AtomicLong lastAnswer,
      long until, int n) {
    if (System.currentTimeMillis() > until) {
      return;
    }
    Future<HttpResponse<Buffer>> call = api.get("/lead-rotations/" + ids.get(n % ids.size()) + "/next-user");
    synchronized (calls) {
      calls.add(call);
    }
    call.onComplete(ar -> {
      lastAnswer.accumulateAndGet(System.currentTimeMillis(), Math::max);
      fire(api, ids, calls, lastAnswer, until, n + 1);
    });
  }
}
