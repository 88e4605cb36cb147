package io.leadrouter.bench;

import io.leadrouter.rotation.Schedule;
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
 * One pick from a prebuilt schedule: {@code schedule.memberAt(position)} and the wrap-around advance, the
 * O(1) core of every next-user call (target: at least 100,000,000 picks/s). Baseline: plain round robin,
 * {@code array[counter % members]}, which ignores weights (an integer division per pick).
 *
 * <p>How to run: {@code java -jar benchmarks/target/benchmarks.jar SchedulePick} (add {@code -p members=10}
 * to narrow the sweep). Scores are picks per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SchedulePickBenchmark {

  @Param({"2", "10", "100", "1000", "10000"})
  int members;

  @Param({"uniform", "mixed"})
  String weights;

  private Schedule schedule;
  private int length;
  private int position;
  private int[] plain;
  private int counter;

  @Setup
  public void setup() {
    schedule = Schedule.of(Fixtures.weights(members, weights));
    length = schedule.length();
    plain = new int[members];
    for (int i = 0; i < members; i++) {
      plain[i] = i;
    }
  }

  /** The service's pick: what {@code Rotation.decide} does with the schedule. */
  @Benchmark
  public int pick() {
    int member = schedule.memberAt(position);
    int next = position + 1;
    position = next == length ? 0 : next;
    return member;
  }

  @Benchmark
  public int baselineArrayModulo() {
    int member = plain[counter % members];
    counter = counter == Integer.MAX_VALUE ? 0 : counter + 1;
    return member;
  }
}
