package io.leadrouter.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.store.pg.Postgres;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.ServiceProcess;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kill -9} of the node while a {@code POST /v1/leads} with an Idempotency-Key is in flight: it has
 * claimed the key and picked, and its lead insert waits on a lock the test holds. README promises that a
 * retry after a restart returns the first response: the retry must get a complete answer (not 409 "in
 * progress"), exactly one lead, and the pick the crashed request recorded rather than a new one.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KeyAfterCrashTest {

  private static final Logger LOG = LoggerFactory.getLogger(KeyAfterCrashTest.class);
  private static final String KEY = "form-crash-1";

  private String pgUri;

  @AfterEach
  void dropDatabase() {
    if (pgUri != null) {
      TestPostgres.dropDatabase(pgUri);
    }
  }

  @Test
  void theKeyOfARequestInFlightDuringAKillIsAnsweredOnceAfterTheRestart(Vertx vertx, @TempDir Path data)
      throws Exception {
    pgUri = TestPostgres.freshDatabaseUri();
    Crashed crashed = crashWithKeyInFlight(vertx, data);
    // the same node again (same name): it frees its previous process's claims before it serves
    try (ServiceProcess second = Harness.start(pgUri, data)) {
      Api api = Harness.api(vertx, second.awaitListening(Duration.ZERO));
      retryAnswersOnce(api, crashed, "after a restart of the node");
      assertThat(Harness.warned(second, "requests of a previous process of node")).as(Harness.log(second)).isTrue();
      second.terminate();
    }
  }

  @Test
  void theKeyOfANodeThatIsGoneIsTakenOverOnceItsLeaseRunsOut(Vertx vertx, @TempDir Path data) throws Exception {
    pgUri = TestPostgres.freshDatabaseUri();
    Crashed crashed = crashWithKeyInFlight(vertx, data);
    // another node (another name, as another cluster member would be): the dead claim's lease must run out
    try (ServiceProcess other = Harness.start(pgUri, data, "--http-port", String.valueOf(freePort()))) {
      Api api = Harness.api(vertx, other.awaitListening(Duration.ZERO));
      retryAnswersOnce(api, crashed, "on another node");
      other.terminate();
    }
  }

  /** The rotation and the lead whose keyed request was in flight when the node was killed. */
  private record Crashed(long rotation, JsonObject lead) {}

  private Crashed crashWithKeyInFlight(Vertx vertx, Path data) throws Exception {
    try (ServiceProcess first = Harness.start(pgUri, data); Connection lock = Postgres.connectJdbc(pgUri)) {
      Api api = Harness.api(vertx, first.awaitListening(Duration.ZERO));
      long rotation = Harness.createRotation(api);
      HttpResponse<Buffer> token = api.post("/lead-rotations/" + rotation + "/tokens", new JsonObject()
          .put("name", "Web form")).await(30, TimeUnit.SECONDS);
      assertThat(token.statusCode()).as(token.bodyAsString()).isEqualTo(201);
      JsonObject lead = new JsonObject().put("current_token", token.bodyAsJsonObject().getString("token"))
          .put("firstName", "Dana").put("lastName", "Lee").put("email", "dana@example.org");
      // the lead table is held: the request claims its key and picks, then its insert waits
      lock.setAutoCommit(false);
      try (Statement s = lock.createStatement()) {
        s.execute("LOCK TABLE lead IN SHARE MODE");
      }
      Future<Integer> inFlight = post(api, lead).map(HttpResponse::statusCode).otherwise(0);
      Harness.awaitUntil(this::leadInsertWaiting, Duration.ofSeconds(60), () -> "a lead insert waiting on the lock");
      first.kill();
      lock.rollback();
      assertThat(inFlight.await(30, TimeUnit.SECONDS)).as("the request in flight got no answer").isZero();
      return new Crashed(rotation, lead);
    }
  }

  private void retryAnswersOnce(Api api, Crashed crashed, String where) throws Exception {
    long started = System.nanoTime();
    HttpResponse<Buffer> retry = post(api, crashed.lead).await(60, TimeUnit.SECONDS);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    LOG.info("retry of the key in flight at the kill, {}: {} after {} ms: {}", where, retry.statusCode(), tookMs,
        retry.bodyAsString());
    assertThat(retry.statusCode()).as(retry.bodyAsString()).isEqualTo(201);
    JsonObject stored = retry.bodyAsJsonObject();
    assertThat(stored.getString("id")).isNotBlank();
    assertThat(stored.getString("firstName")).isEqualTo("Dana");
    assertThat(stored.getString("owner")).isEqualTo(Harness.EMAILS.get(0));
    assertThat(stored.getLong("sequence")).as("the pick the killed request recorded, not a new one").isEqualTo(1);
    assertThat(post(api, crashed.lead).await(60, TimeUnit.SECONDS).bodyAsString()).isEqualTo(retry.bodyAsString());
    JsonObject leads = Harness.get(api, "/v1/leads").bodyAsJsonObject();
    assertThat(leads.getLong("total")).isEqualTo(1);
  }

  private static Future<HttpResponse<Buffer>> post(Api api, JsonObject lead) {
    return api.as(null, null).request(HttpMethod.POST, "/v1/leads").putHeader("Idempotency-Key", KEY)
        .sendJsonObject(lead);
  }

  private boolean leadInsertWaiting() {
    long[] n = new long[1];
    query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        + " AND query LIKE 'INSERT INTO lead %'", rs -> n[0] = rs.getLong(1));
    return n[0] > 0;
  }

  private interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  private void query(String sql, RowReader reader) {
    try (Connection c = Postgres.connectJdbc(pgUri); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        reader.read(rs);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
