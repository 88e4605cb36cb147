package io.leadrouter.bench;

import io.leadrouter.owner.Messages;
import io.leadrouter.owner.PickReply;
import io.leadrouter.owner.RotationService;
import io.leadrouter.rotation.Rotation;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
 * Picks within one process: {@code RotationService.pick} from a verticle's event loop to the partition owner
 * of one hot rotation (10 members, mixed weights) in a node started in this JVM with {@code LeadRouter.start}
 * and an in-memory store, and the reply back. A single node hands the command to its owner directly
 * ({@code owner/LocalOwners}: a task on the owner's loop, or at once on the same loop), not as an event-bus
 * message; a cluster member's pick (and a traced one) still goes over the event bus. Each invocation is {@value #OPS}
 * picks with at most {@code inFlight} outstanding (a sliding window), the way a service in the same cluster
 * pipelines requests; {@code inFlight=1} is pure round-trip latency. No JWT here: that is the event-bus
 * API's cost, measured by the harness ({@code --mode eventbus}) and {@link JwtVerifyBenchmark}.
 * Assignment rows are dropped at flush ({@link Fixtures#droppingLog}).
 *
 * <p>Baseline: the same request/reply (a {@code Pick} record out, a {@code PickReply} back, same codec) to a
 * bare local consumer that echoes a constant reply: the event bus's own cost, i.e. what the pick cost before
 * the direct path, less the owner's work. Target: at least 1,000,000 picks/s, and at least 0.9x the echo.
 *
 * <p>How to run: {@code java -jar benchmarks/target/benchmarks.jar EventBusRoundTrip}. Scores are picks
 * (round trips) per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EventBusRoundTripBenchmark {

  static final int OPS = 1024;
  static final String ECHO = "bench.echo";

  @Param({"1", "128"})
  int inFlight;

  /**
   * {@code cross-thread}: the sender runs on another event loop than the rotation's owner (the service's
   * case: HTTP and event-bus API verticles hand over to the owner's loop). {@code same-thread}: the sender
   * shares the owner's event loop. The echo consumer always sits on the owner's event loop.
   */
  @Param({"cross-thread", "same-thread"})
  String placement;

  private Vertx vertx;
  private Fixtures.Node node;
  private RotationService service;
  private long rotationId;
  private Context sender;
  private PickReply echoReply;

  /** Gives the benchmark an event-loop context of its own, as a calling verticle would have. */
  static final class Sender extends Fixtures.Placed {
    Context ctx() {
      return context;
    }
  }

  /** The baseline consumer, deployed as a verticle on the owner's event loop. */
  static final class Echo extends Fixtures.Placed {
    private final Object reply;

    Echo(Object reply) {
      this.reply = reply;
    }

    @Override
    public Future<?> start() {
      super.start();
      MessageConsumer<Object> c = vertx.eventBus().localConsumer(ECHO, m -> m.reply(reply, Messages.OPTIONS));
      return c.completion();
    }
  }

  @Setup(Level.Trial)
  public void setup() throws Exception {
    vertx = Vertx.vertx();
    node = Fixtures.Node.start(vertx, Fixtures.weights(10, "mixed"), false);
    service = node.app.rotations();
    rotationId = node.rotation.id();
    Rotation r = new Rotation(node.rotation);
    Rotation.Decision d = r.decide(new Rotation.Pick(Fixtures.ACCOUNT, rotationId, null), Instant.now());
    r.apply(d.event());
    echoReply = new PickReply((Rotation.UserPicked) d.event(), r.state());
    // the first pick activates the rotation, which tells which event loop its owner runs on
    service.pick(Fixtures.ACCOUNT, rotationId, null).await(10, TimeUnit.SECONDS);
    Thread owner = Fixtures.lastActivationThread;
    Fixtures.deployOn(vertx, () -> new Echo(echoReply), t -> t == owner);
    boolean same = placement.equals("same-thread");
    sender = Fixtures.deployOn(vertx, Sender::new, t -> (t == owner) == same).ctx();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    node.stop();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public long pick() throws Exception {
    return window(() -> service.pick(Fixtures.ACCOUNT, rotationId, null).map(r -> r.picked().sequence()));
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public long baselineEcho() throws Exception {
    Rotation.Pick command = new Rotation.Pick(Fixtures.ACCOUNT, rotationId, null);
    return window(() -> vertx.eventBus().request(ECHO, command, Messages.OPTIONS)
        .map(m -> ((PickReply) m.body()).picked().sequence()));
  }

  /** Runs {@value #OPS} requests on the sender's event loop, at most {@code inFlight} at a time. */
  private long window(Supplier<Future<Long>> request) throws Exception {
    return Fixtures.window(sender, OPS, inFlight, request);
  }
}
