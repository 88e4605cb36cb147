package io.leadrouter.bench;

import io.leadrouter.rotation.Availability;
import io.leadrouter.rotation.DirectoryView;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.Schedule;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
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
 * What the partition owner does per pick in pure Java: {@code Rotation.decide(Pick)} (checks, builds the
 * {@code UserPicked} event) then {@code apply} (a new immutable {@code RotationState}). The owner also reads
 * the clock once per command; here the instant is fixed so the figure is the entity alone. Baseline: the
 * schedule pick alone, i.e. what the entity's bookkeeping costs on top of the O(1) lookup.
 *
 * <p>{@code decideApplyEligible}: the same with a directory view handed in (every user active, always
 * available, as the owner will hand it in), on a second rotation: the eligibility check on the all-eligible
 * path. Target (issue 12): within 10 % of {@code decideApply} as it was before eligibility (34-39 M/s).
 *
 * <p>How to run: {@code java -jar benchmarks/target/benchmarks.jar OwnerPick}. Scores are picks per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OwnerPickBenchmark {

  @Param({"10", "1000"})
  int members;

  @Param({"uniform", "mixed"})
  String weights;

  private Rotation rotation;
  private Rotation eligibleRotation;
  private DirectoryView directory;
  private Rotation.Pick pick;
  private Instant now;
  private Schedule schedule;
  private int length;
  private int position;

  @Setup
  public void setup() {
    int[] w = Fixtures.weights(members, weights);
    rotation = new Rotation(Fixtures.state(Fixtures.members(w)));
    eligibleRotation = new Rotation(Fixtures.state(Fixtures.members(w)));
    Map<Long, Availability> users = new HashMap<>();
    for (Member m : Fixtures.members(w)) {
      users.put(m.userId(), Availability.ALWAYS);
    }
    directory = DirectoryView.of(users);
    pick = new Rotation.Pick(Fixtures.ACCOUNT, 7L, null);
    now = Instant.parse("2026-11-23T12:00:00Z");
    schedule = Schedule.of(w);
    length = schedule.length();
  }

  @Benchmark
  public Rotation.Event decideApply() {
    Rotation.Decision decision = rotation.decide(pick, now);
    rotation.apply(decision.event());
    return decision.event();
  }

  @Benchmark
  public Rotation.Event decideApplyEligible() {
    Rotation.Decision decision = eligibleRotation.decide(pick, now, directory);
    eligibleRotation.apply(decision.event());
    return decision.event();
  }

  @Benchmark
  public int baselineSchedulePick() {
    int member = schedule.memberAt(position);
    int next = position + 1;
    position = next == length ? 0 : next;
    return member;
  }
}
