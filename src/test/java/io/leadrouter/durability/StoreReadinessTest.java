package io.leadrouter.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.store.pg.PgStore;
import io.leadrouter.store.pg.Postgres;
import io.leadrouter.testing.TcpProxy;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * /health/ready tells the truth about the store: DOWN while Postgres is cut off or blackholed (answered
 * within a bound, not when the network returns), UP again afterwards. The node stays ready while its
 * write-behind has room: picks are still served from memory then.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StoreReadinessTest {

  /** LeadRouter's readiness waits 2 s for the store; the rest is for a loaded machine. */
  private static final Duration BOUND = Duration.ofSeconds(5);

  private String pgUri;
  private TcpProxy proxy;
  private PgStore store;
  private TestApp node;
  private WebClient client;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.resume();
      proxy.restore();
    }
    if (node != null) {
      node.app.stop().await(30, TimeUnit.SECONDS);
    }
    if (store != null) {
      store.close().await(10, TimeUnit.SECONDS);
    }
    if (proxy != null) {
      proxy.close();
    }
    if (pgUri != null) {
      TestPostgres.dropDatabase(pgUri);
    }
  }

  @Test
  void readinessReportsTheStoreDownWhileCutOffOrBlackholed(Vertx vertx) throws Exception {
    pgUri = TestPostgres.freshDatabaseUri();
    proxy = TcpProxy.forPostgres(vertx, pgUri).await(10, TimeUnit.SECONDS);
    store = Postgres.open(vertx, proxy.via(pgUri), 2).await(60, TimeUnit.SECONDS);
    node = TestApp.start(vertx, store).await(30, TimeUnit.SECONDS);
    client = WebClient.create(vertx);

    assertStore("UP");

    proxy.cut();
    assertStore("DOWN");
    proxy.restore();
    assertStore("UP");

    proxy.blackhole();
    assertStore("DOWN");
    proxy.resume();
    Harness.awaitUntil(() -> store().equals("UP"), Duration.ofSeconds(15), () -> "store UP after the blackhole");
  }

  /** One readiness call: answered within {@link #BOUND}, 200 (the write-behind has room), store as given. */
  private void assertStore(String expected) throws Exception {
    long started = System.nanoTime();
    HttpResponse<Buffer> r = client.get(node.port(), "localhost", "/health/ready").send()
        .await(30, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(BOUND);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(r.statusCode()).as(body.encode()).isEqualTo(200);
    assertThat(body.getJsonObject("checks").getString("store")).as(body.encode()).startsWith(expected);
  }

  private String store() {
    return client.get(node.port(), "localhost", "/health/ready").send().await().bodyAsJsonObject()
        .getJsonObject("checks").getString("store");
  }
}
