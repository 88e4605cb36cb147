package io.leadrouter.bench;

import io.leadrouter.owner.PickReply;
import io.leadrouter.owner.RotationCodec;
import io.leadrouter.rotation.Rotation;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code RotationCodec} on the messages of a pick: the {@code Pick} command and the {@code PickReply}
 * (which carries the whole rotation state, so it grows with the member count). Wire encode/decode is what a
 * pick costs when the owner is on another cluster member; {@code transform} (baseline) is what local delivery
 * costs: the immutable record handed over as is.
 *
 * <p>How to run: {@code java -jar benchmarks/target/benchmarks.jar Codec}. Scores are operations per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CodecBenchmark {

  @Param({"10", "100"})
  int members;

  private final RotationCodec codec = new RotationCodec();
  private Rotation.Pick pick;
  private PickReply reply;
  private Buffer pickWire;
  private Buffer replyWire;

  @Setup
  public void setup() {
    Rotation rotation = new Rotation(Fixtures.state(Fixtures.members(Fixtures.weights(members, "mixed"))));
    pick = new Rotation.Pick(Fixtures.ACCOUNT, 7L, "req-0123456789");
    Rotation.Decision d = rotation.decide(pick, Instant.parse("2026-11-23T12:00:00Z"));
    rotation.apply(d.event());
    reply = new PickReply((Rotation.UserPicked) d.event(), rotation.state());
    pickWire = Buffer.buffer();
    codec.encodeToWire(pickWire, pick);
    replyWire = Buffer.buffer();
    codec.encodeToWire(replyWire, reply);
  }

  @Benchmark
  public Buffer encodePick() {
    Buffer b = Buffer.buffer(128);
    codec.encodeToWire(b, pick);
    return b;
  }

  @Benchmark
  public Object decodePick() {
    return codec.decodeFromWire(0, pickWire);
  }

  @Benchmark
  public Buffer encodeReply() {
    Buffer b = Buffer.buffer(1024);
    codec.encodeToWire(b, reply);
    return b;
  }

  @Benchmark
  public Object decodeReply() {
    return codec.decodeFromWire(0, replyWire);
  }

  @Benchmark
  public Object baselineTransformPick() {
    return codec.transform(pick);
  }

  @Benchmark
  public Object baselineTransformReply() {
    return codec.transform(reply);
  }
}
