package io.leadrouter.bench;

import io.leadrouter.edge.BatchPick;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Batch picks: {@code count} picks of one hot rotation in one request/reply, each with its own sequence, as
 * {@code POST /lead-rotations/{id}/next-users} and the bus address {@code leadrouter.api.next-users} make them
 * after authentication ({@link BatchPick#pick}: the {@code count} owner picks sent at once, one answer listing
 * them). Same node, rotation and placement as {@link EventBusRoundTripBenchmark} ({@code cross-thread}: the
 * caller on another event loop than the owner), no JWT. Each invocation is {@value #BATCHES} batch requests with
 * at most {@code ceil(128 / count)} of them outstanding, so that about as many picks are outstanding as in the
 * single-pick benchmark at {@code inFlight=128} (13 x 10 = 130, 2 x 100 = 200).
 *
 * <p>Scores are batch requests per second: picks/s = score x {@code count} ({@link Report} prints both and the
 * ratio to {@code EventBusRoundTripBenchmark.pick} at cross-thread, inFlight=128).
 *
 * <p>How to run: {@code java -jar benchmarks/target/benchmarks.jar 'BatchPick|EventBusRoundTrip.pick'
 * -p placement=cross-thread -p inFlight=128}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BatchPickBenchmark {

  static final int BATCHES = 64;

  @Param({"10", "100"})
  int count;

  private Vertx vertx;
  private Fixtures.Node node;
  private BatchPick batch;
  private long rotationId;
  private Context sender;
  private int window;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    vertx = Vertx.vertx();
    node = Fixtures.Node.start(vertx, Fixtures.weights(10, "mixed"), false);
    rotationId = node.rotation.id();
    batch = new BatchPick(node.app.rotations());
    // the first pick activates the rotation, which tells which event loop its owner runs on
    node.app.rotations().pick(Fixtures.ACCOUNT, rotationId, null).await(10, TimeUnit.SECONDS);
    Thread owner = Fixtures.lastActivationThread;
    sender = Fixtures.deployOn(vertx, EventBusRoundTripBenchmark.Sender::new, t -> t != owner).ctx();
    window = Math.max(1, (128 + count - 1) / count);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    node.stop();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** {@value #BATCHES} batches of {@code count} picks; returns the number of picks made (all of them). */
  @Benchmark
  @OperationsPerInvocation(BATCHES)
  public long batch() throws Exception {
    long picks = Fixtures.window(sender, BATCHES, window, () -> batch.pick(Fixtures.ACCOUNT, rotationId, count, null)
        .compose(answer -> answer.containsKey("error")
            ? Future.failedFuture(new IllegalStateException("batch cut short: " + answer.getValue("error")))
            : Future.succeededFuture((long) answer.getJsonArray("picks").size())));
    if (picks != (long) BATCHES * count) {
      throw new IllegalStateException("expected " + BATCHES * count + " picks, got " + picks);
    }
    return picks;
  }
}
