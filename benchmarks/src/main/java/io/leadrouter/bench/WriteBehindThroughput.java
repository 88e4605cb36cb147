package io.leadrouter.bench;

import io.leadrouter.LeadRouter;
import io.leadrouter.auth.Jwt;
import io.leadrouter.config.Config;
import io.leadrouter.ops.Metrics;
import io.leadrouter.owner.Partitioner;
import io.leadrouter.owner.RotationService;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.Stores;
import io.leadrouter.store.memory.InMemoryStore;
import io.leadrouter.store.pg.PgStore;
import io.leadrouter.store.pg.Postgres;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Picks through the write-behind path into Postgres, in process (no HTTP, no JWT): picks/s, Postgres statements
 * and position updates per pick, and whether the write-behind backlog grows, beside the same run on the
 * in-memory store. The targets: the assignment log keeps up with 50,000 picks/s with no backlog growth;
 * at most 0.01 position updates per pick on a hot rotation.
 *
 * <p>How to run: {@code java -cp benchmarks/target/benchmarks.jar io.leadrouter.bench.WriteBehindThroughput
 * [--pg-uri postgresql://postgres@127.0.0.1:5432/postgres] [--seconds 10] [--in-flight 512]}. It creates a
 * database of its own on that server and drops it at the end.
 */
public final class WriteBehindThroughput {

  /** {@code picks} counted while measuring; {@code total} all acknowledged picks of the run, warm-up included. */
  private record Result(long picks, long total, double seconds, long[] backlog) {
    double rate() {
      return picks / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = Fixtures.options(args);
    String server = a.getOrDefault("pg-uri", "postgresql://postgres@127.0.0.1:5432/postgres");
    int seconds = Integer.parseInt(a.getOrDefault("seconds", "10"));
    int inFlight = Integer.parseInt(a.getOrDefault("in-flight", "512"));
    Vertx vertx = Vertx.vertx();
    try (Fixtures.Database database = new Fixtures.Database(server)) {
      String dbUri = database.uri();
      Result memory = run(vertx, Stores.of(new InMemoryStore()), seconds, inFlight);
      PgStore pg = Postgres.open(vertx, dbUri, 8).await(120, TimeUnit.SECONDS);
      long statementsBefore = pg.statementsExecuted();
      long progressBefore = pg.progressWrites();
      Result postgres = run(vertx, Stores.of(pg), seconds, inFlight);
      long statements = pg.statementsExecuted() - statementsBefore;
      long progress = pg.progressWrites() - progressBefore;
      pg.close().await(30, TimeUnit.SECONDS);
      long rows;
      try (Connection c = Postgres.connectJdbc(dbUri); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT sequence) FROM assignment")) {
        r.next();
        rows = r.getLong(1) == r.getLong(2) ? r.getLong(1) : -1;
      }
      System.out.printf("write-behind into Postgres, one hot rotation of 10 members, %d picks in flight, %d s%n",
          inFlight, seconds);
      System.out.printf("  in-memory store : %,12.0f picks/s%n", memory.rate());
      System.out.printf("  postgres store  : %,12.0f picks/s (%.2fx the in-memory store)%n", postgres.rate(),
          postgres.rate() / memory.rate());
      System.out.printf("  statements/pick : %.5f   position updates/pick: %.5f (target <= 0.01)%n",
          (double) statements / postgres.total(), (double) progress / postgres.total());
      System.out.printf("  backlog at 1/3, 2/3, end of the run: %d, %d, %d picks%n", postgres.backlog()[0],
          postgres.backlog()[1], postgres.backlog()[2]);
      System.out.printf("  assignment log: %s%n", rows == postgres.total() ? rows + " rows, one per pick"
          : "MISMATCH: " + rows + " rows (-1: repeated sequences) for " + postgres.total() + " picks");
      // steady state: over the last third the backlog grows by less than one flush batch (5,000 rows)
      boolean steady = postgres.backlog()[2] - postgres.backlog()[1] < 5_000;
      System.out.printf("  target 50,000 picks/s with no backlog growth: %s%n",
          postgres.rate() >= 50_000 && steady ? "MET"
              : String.format("MISSED (%.0f picks/s, backlog %s)", postgres.rate(), steady ? "steady" : "growing"));
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static Result run(Vertx vertx, Stores store, int seconds, int inFlight) throws Exception {
    Config config = Config.load(Map.of(), List.of("--store", "memory", "--jwt-secret", Fixtures.randomSecret(),
        "--http-port", "0", "--http-instances", "1"));
    Metrics metrics = new Metrics(Metrics.prometheus());
    LeadRouter app = LeadRouter.start(vertx, config, store, Jwt.options(config),
        Partitioner.hashing(config.partitions()), "bench", metrics).await(60, TimeUnit.SECONDS);
    RotationState rotation = Fixtures.hotRotation(store.storage(), Fixtures.weights(10, "mixed"));
    RotationService service = app.rotations();
    AtomicBoolean measuring = new AtomicBoolean(false);
    AtomicBoolean stop = new AtomicBoolean(false);
    AtomicLong picks = new AtomicLong();
    AtomicLong total = new AtomicLong();
    CountDownLatch done = new CountDownLatch(inFlight);
    for (int i = 0; i < inFlight; i++) {
      loop(service, rotation.id(), measuring, stop, picks, total, done);
    }
    Thread.sleep(3_000); // warm-up
    measuring.set(true);
    long started = System.nanoTime();
    long[] backlog = new long[3];
    for (int third = 0; third < 3; third++) {
      Thread.sleep(seconds * 1000L / 3);
      backlog[third] = Math.round(metrics.registry().find("leadrouter.writebehind.backlog").gauges().stream()
          .mapToDouble(Gauge::value).sum());
    }
    measuring.set(false);
    double elapsed = (System.nanoTime() - started) / 1e9;
    stop.set(true);
    done.await(60, TimeUnit.SECONDS);
    app.stop().await(120, TimeUnit.SECONDS); // drains the write-behind
    return new Result(picks.get(), total.get(), elapsed, backlog);
  }

  private static void loop(RotationService service, long id, AtomicBoolean measuring, AtomicBoolean stop,
      AtomicLong picks, AtomicLong total, CountDownLatch done) {
    if (stop.get()) {
      done.countDown();
      return;
    }
    service.pick(Fixtures.ACCOUNT, id, null).onComplete(ar -> {
      if (ar.succeeded()) {
        total.incrementAndGet();
        if (measuring.get()) {
          picks.incrementAndGet();
        }
      }
      loop(service, id, measuring, stop, picks, total, done);
    });
  }
}
