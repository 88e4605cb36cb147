package io.leadrouter.durability;

import io.leadrouter.store.pg.Postgres;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.ServiceProcess;
import io.leadrouter.testing.TestApp;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** What the durability tests share: the service as a process on a given database, pick load, log queries. */
final class Harness {

  static final String ACCOUNT = "acct-durable";
  /** The rotation every test creates: weights 3, 2, 2, a schedule of length 7 (a b c a b c a... in SWRR order). */
  static final int[] WEIGHTS = {3, 2, 2};
  static final List<String> EMAILS = List.of("ann@example.com", "bob@example.com", "cy@example.com");

  private Harness() {}

  /** Starts {@code io.leadrouter.Main} on the Postgres at {@code pgUri} and waits until it listens. */
  static ServiceProcess start(String pgUri, Path dataDir, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--store", "postgres", "--pg-uri", pgUri, "--http-port", "0",
        "--jwt-secret", TestApp.SECRET));
    args.addAll(List.of(extra));
    ServiceProcess service = ServiceProcess.start(Map.of("LEADROUTER_DATA_DIR", dataDir.toString()),
        args.toArray(String[]::new));
    try {
      service.awaitListening(Duration.ofSeconds(60));
    } catch (RuntimeException | InterruptedException e) {
      service.close();
      throw e;
    }
    return service;
  }

  static Api api(Vertx vertx, int port) {
    return new Api(vertx, port, TestApp.token(vertx, "ops@example.com", ACCOUNT), ACCOUNT);
  }

  static long createRotation(Api api) throws Exception {
    JsonArray members = new JsonArray();
    for (int i = 0; i < WEIGHTS.length; i++) {
      members.add(new JsonObject().put("email", EMAILS.get(i)).put("weight", WEIGHTS[i]));
    }
    return api.createRotation(new JsonObject().put("name", "durable").put("members", members))
        .await(30, TimeUnit.SECONDS).getLong("id");
  }

  static HttpResponse<Buffer> get(Api api, String path) throws Exception {
    return api.get(path).await(30, TimeUnit.SECONDS);
  }

  /** Polls {@code condition} until it holds; fails with {@code what()} once the deadline passes. */
  static void awaitUntil(BooleanSupplier condition, Duration timeout, Supplier<String> what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what.get());
      }
      Thread.sleep(20);
    }
  }

  static boolean logged(ServiceProcess service, String text) {
    return service.output().stream().anyMatch(l -> l.contains(text));
  }

  /** Whether a WARN line of the service's log contains {@code text}. */
  static boolean warned(ServiceProcess service, String text) {
    return service.output().stream().anyMatch(l -> l.contains(" WARN ") && l.contains(text));
  }

  static String log(ServiceProcess service) {
    return String.join("\n", service.output());
  }

  // ---- the database, read directly (not through the proxy) --------------------------------------------

  /** Sequences in the assignment log of a rotation, ascending. */
  static List<Long> loggedSequences(String pgUri, long rotationId) {
    List<Long> out = new ArrayList<>();
    query(pgUri, "SELECT sequence FROM assignment WHERE rotation_id = ? ORDER BY sequence", rotationId,
        rs -> out.add(rs.getLong(1)));
    return out;
  }

  static long loggedCount(String pgUri, long rotationId) {
    long[] n = new long[1];
    query(pgUri, "SELECT count(*) FROM assignment WHERE rotation_id = ?", rotationId, rs -> n[0] = rs.getLong(1));
    return n[0];
  }

  /** The rotation row's position, sequence and reserved ceiling, as stored. */
  static long[] storedProgress(String pgUri, long rotationId) {
    long[] p = new long[3];
    query(pgUri, "SELECT position, sequence, sequence_ceiling FROM rotation WHERE id = ?", rotationId, rs -> {
      p[0] = rs.getLong(1);
      p[1] = rs.getLong(2);
      p[2] = rs.getLong(3);
    });
    return p;
  }

  private interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  private static void query(String pgUri, String sql, long arg, RowReader reader) {
    try (Connection c = Postgres.connectJdbc(pgUri); PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, arg);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          reader.read(rs);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  // ---- pick load --------------------------------------------------------------------------------------

  /** An acknowledged pick: the NextUserResponse fields the tests check, and when the answer arrived. */
  record Ack(long sequence, String user, int position, int newPosition, String nextUser, long atNanos) {
    static Ack of(JsonObject o, long atNanos) {
      return new Ack(o.getLong("sequence"), o.getString("currentUser"), o.getInteger("currentPosition"),
          o.getInteger("newPosition"), o.getString("nextUser"), atNanos);
    }
  }

  /** A next-user that did not answer 200 (status 0: no answer at all). */
  record Failure(int status, String body, long atNanos) {}

  /**
   * {@code loops} concurrent next-user loops on one rotation, each sending its next request when the last
   * one answered, until {@code picks} requests were sent or {@link #stop()}. A loop ends at its first failure.
   */
  static final class PickLoad {
    final Queue<Ack> acks = new ConcurrentLinkedQueue<>();
    final Queue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final Api api;
    private final String path;
    private final AtomicLong budget;
    private volatile boolean stopped;
    private final List<Promise<Void>> loops = new ArrayList<>();

    private PickLoad(Api api, long rotationId, long picks) {
      this.api = api;
      this.path = "/lead-rotations/" + rotationId + "/next-user";
      this.budget = new AtomicLong(picks);
    }

    static PickLoad start(Api api, long rotationId, int loops, long picks) {
      PickLoad load = new PickLoad(api, rotationId, picks);
      for (int i = 0; i < loops; i++) {
        Promise<Void> done = Promise.promise();
        load.loops.add(done);
        load.next(done);
      }
      return load;
    }

    private void next(Promise<Void> done) {
      if (stopped || budget.getAndDecrement() <= 0) {
        done.complete();
        return;
      }
      // each answer sends the next request from its callback: no chain of futures grows with the count
      api.get(path).onComplete(ar -> {
        long now = System.nanoTime();
        if (ar.succeeded() && ar.result().statusCode() == 200) {
          acks.add(Ack.of(ar.result().bodyAsJsonObject(), now));
          next(done);
        } else {
          failures.add(ar.succeeded() ? new Failure(ar.result().statusCode(), ar.result().bodyAsString(), now)
              : new Failure(0, String.valueOf(ar.cause()), now));
          done.complete();
        }
      });
    }

    void stop() {
      stopped = true;
    }

    /** Waits until every loop ended. */
    void await(Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      for (Promise<Void> loop : loops) {
        loop.future().await(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
      }
    }
  }
}
