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
 * Building a schedule ({@code Schedule.of}), paid on activation and on every membership or weight edit, on
 * the owner's event loop. The smooth weighted round robin walk was O(members x slots) (412 ms for 10,000
 * mixed members); it is now O(slots x distinct weights), at most 10 distinct weights for members, with the
 * identical sequence (the tests compare it with the old walk). Target (issue 12): 10,000 members within
 * 20 ms. Baseline: filling the same number of slots member by member (weights honoured, no smoothing),
 * O(slots).
 *
 * <p>How to run: {@code java -jar benchmarks/target/benchmarks.jar ScheduleBuild}. Scores are microseconds
 * per schedule built.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ScheduleBuildBenchmark {

  @Param({"2", "10", "100", "1000", "10000"})
  int members;

  @Param({"uniform", "mixed"})
  String weights;

  private int[] w;

  @Setup
  public void setup() {
    w = Fixtures.weights(members, weights);
  }

  @Benchmark
  public Schedule build() {
    return Schedule.of(w);
  }

  @Benchmark
  public int[] baselineBlockFill() {
    int total = 0;
    for (int x : w) {
      total += x;
    }
    int[] slots = new int[total];
    int at = 0;
    for (int m = 0; m < w.length; m++) {
      for (int k = 0; k < w[m]; k++) {
        slots[at++] = m;
      }
    }
    return slots;
  }
}
