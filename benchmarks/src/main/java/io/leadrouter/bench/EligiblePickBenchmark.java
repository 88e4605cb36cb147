package io.leadrouter.bench;

import io.leadrouter.rotation.Availability;
import io.leadrouter.rotation.DirectoryView;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.rotation.WorkingHours;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * The entity's pick ({@code decide} with a directory view, then {@code apply}) on a rotation where half the
 * members cannot take a lead: a quarter of them paused, away, outside their working hours or inactive in
 * turn, spread over the member list. Each pick walks past the ineligible slots and reports them in
 * {@code skipped}. Target (issue 12): at least 1,000,000 picks/s with 1,000 members. Baseline: the same
 * rotation with every member eligible.
 *
 * <p>How to run: {@code java -jar benchmarks/target/benchmarks.jar EligiblePick}. Scores are picks per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EligiblePickBenchmark {

  @Param({"1000"})
  int members;

  @Param({"uniform", "mixed"})
  String weights;

  @Param({"false", "true"})
  boolean catchUp;

  private Rotation halfEligible;
  private Rotation allEligible;
  private DirectoryView half;
  private DirectoryView all;
  private Rotation.Pick pick;
  private Instant now;

  @Setup
  public void setup() {
    now = Instant.parse("2026-11-25T12:00:00Z"); // a Wednesday
    WorkingHours mondays = WorkingHours.parse(Map.of("mon", List.of(List.of("09:00", "17:00"))));
    List<Member> list = new ArrayList<>();
    Map<Long, Availability> halfUsers = new HashMap<>();
    Map<Long, Availability> allUsers = new HashMap<>();
    for (Member m : Fixtures.members(Fixtures.weights(members, weights))) {
      int i = list.size();
      boolean ineligible = i % 4 == 1 || i % 4 == 2; // every weight 1..10 on both sides
      int kind = (i / 4) % 4;
      list.add(ineligible && kind == 0 ? m.withSettings(m.weight(), true, null) : m);
      halfUsers.put(m.userId(), !ineligible ? Availability.ALWAYS : switch (kind) {
        case 1 -> new Availability(true, null, null, now.plusSeconds(30L * 24 * 3600));
        case 2 -> new Availability(true, ZoneId.of("America/New_York"), mondays, null);
        case 3 -> Availability.INACTIVE;
        default -> Availability.ALWAYS; // paused as a member
      });
      allUsers.put(m.userId(), Availability.ALWAYS);
    }
    RotationState s = Fixtures.state(list);
    s = s.withSettings(s.timeZone(), catchUp, null, false);
    halfEligible = new Rotation(s);
    allEligible = new Rotation(s);
    half = DirectoryView.of(halfUsers);
    all = DirectoryView.of(allUsers);
    pick = new Rotation.Pick(Fixtures.ACCOUNT, 7L, null);
  }

  @Benchmark
  public Rotation.Event halfIneligible() {
    Rotation.Decision decision = halfEligible.decide(pick, now, half);
    halfEligible.apply(decision.event());
    return decision.event();
  }

  @Benchmark
  public Rotation.Event baselineAllEligible() {
    Rotation.Decision decision = allEligible.decide(pick, now, all);
    allEligible.apply(decision.event());
    return decision.event();
  }
}
