package io.leadrouter.owner;

import static io.leadrouter.owner.OwnerFixture.delete;
import static io.leadrouter.owner.OwnerFixture.get;
import static io.leadrouter.owner.OwnerFixture.pick;
import static io.leadrouter.owner.OwnerFixture.rename;
import static io.leadrouter.owner.OwnerFixture.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.owner.OwnerFixture.Sent;
import io.leadrouter.rotation.Rotation.Command;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.rotation.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every waiting state of a rotation's lifecycle × every command: the command waits in the stash (unanswered,
 * the state unchanged), and once the state's wait is over it runs exactly once, in order, with no sequence
 * number handed out twice. Plain JUnit: in-memory store, fake replica, no verticle.
 */
class LifecycleMatrixTest {

  /** Brings a fresh rotation into a waiting state; {@code release} ends the wait. */
  private interface Scenario {
    boolean cluster();

    /** Returns the commands it sent itself (answered once released). */
    List<Sent> enter(OwnerFixture f, long id);

    void release(OwnerFixture f);

    Class<? extends LifecycleState> waiting();
  }

  private record Waiting(String name, boolean cluster, Class<? extends LifecycleState> waiting,
      Enter enter, Release release) implements Scenario {
    @Override
    public List<Sent> enter(OwnerFixture f, long id) {
      return enter.run(f, id);
    }

    @Override
    public void release(OwnerFixture f) {
      release.run(f);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private interface Enter {
    List<Sent> run(OwnerFixture f, long id);
  }

  private interface Release {
    void run(OwnerFixture f);
  }

  private static final List<Waiting> STATES = List.of(
      new Waiting("Activating", false, LifecycleState.Activating.class, (f, id) -> {
        f.on(() -> f.gated.gate("loadRotation"));
        return List.of(f.send(get(id)));
      }, f -> f.on(() -> f.gated.open("loadRotation"))),
      new Waiting("AwaitingBlock", false, LifecycleState.AwaitingBlock.class, (f, id) -> {
        f.on(() -> f.gated.gate("reserveSequences"));
        return List.of(f.send(pick(id))); // ceiling 0: the first pick waits for a block
      }, f -> f.on(() -> f.gated.open("reserveSequences"))),
      new Waiting("Persisting", false, LifecycleState.Persisting.class, (f, id) -> {
        Sent first = f.send(pick(id));
        f.on(() -> f.gated.gate("saveRotation"));
        return List.of(first, f.send(rename(id, "renamed")));
      }, f -> f.on(() -> f.gated.open("saveRotation"))),
      new Waiting("AwaitingReplica", true, LifecycleState.AwaitingReplica.class, (f, id) -> {
        Sent first = f.send(pick(id));
        f.settle();
        f.on(f.replica::gate);
        Sent second = f.send(pick(id));
        f.settle(); // its round is in flight
        return List.of(first, second, f.send(rename(id, "renamed")));
      }, f -> f.on(f.replica::open)),
      new Waiting("Passivating", false, LifecycleState.Passivating.class, (f, id) -> {
        Sent first = f.send(pick(id));
        f.on(() -> f.writeBehind.tick());
        f.on(() -> f.gated.gate("releaseSequences"));
        f.now.addAndGet(60_000);
        f.on(() -> f.rotations.passivateIdle());
        return List.of(first);
      }, f -> f.on(() -> f.gated.open("releaseSequences"))),
      new Waiting("Passivating (cluster)", true, LifecycleState.Passivating.class, (f, id) -> {
        Sent first = f.send(pick(id));
        f.settle();
        f.on(() -> f.writeBehind.tick());
        f.on(() -> f.gated.gate("releaseSequences"));
        f.now.addAndGet(60_000);
        f.on(() -> f.rotations.passivateIdle());
        return List.of(first);
      }, f -> f.on(() -> f.gated.open("releaseSequences"))),
      new Waiting("Leaving (partition back)", true, LifecycleState.Leaving.class, (f, id) -> {
        Sent first = f.send(pick(id));
        f.settle();
        f.on(f.replica::gate);
        Sent second = f.send(pick(id));
        f.settle();
        f.on(() -> f.rotations.leave(0)); // moved away, and back before its round ended
        return List.of(first, second);
      }, f -> f.on(f.replica::open)));

  private static final List<LongFunction<Command>> COMMANDS = List.of(
      id -> get(id), id -> pick(id), id -> rename(id, "again"), id -> status(id, Status.ACTIVE), id -> delete(id));

  static Stream<Arguments> stateTimesCommand() {
    List<Arguments> all = new ArrayList<>();
    for (Waiting w : STATES) {
      for (LongFunction<Command> c : COMMANDS) {
        all.add(Arguments.of(w, c.apply(0).getClass().getSimpleName(), c));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} × {1}")
  @MethodSource("stateTimesCommand")
  void commandWaitsInTheStashThenRunsOnce(Waiting scenario, String name, LongFunction<Command> command) {
    try (OwnerFixture f = new OwnerFixture(scenario.cluster(), 2, 1000)) {
      long id = f.createRotation();
      List<Sent> before = scenario.enter(f, id);
      assertThat(f.state(id)).isInstanceOf(scenario.waiting());

      Sent sent = f.send(command.apply(id));
      Sent after = f.send(pick(id));
      assertThat(sent.answered()).as("answered while %s", scenario).isFalse();
      assertThat(after.answered()).isFalse();
      assertThat(f.state(id)).isInstanceOf(scenario.waiting());

      scenario.release(f);
      f.settle();

      List<Long> sequences = new ArrayList<>();
      for (Sent s : before) {
        if (s.ok() instanceof PickReply r) {
          sequences.add(r.picked().sequence());
        }
      }
      Object answer = sent.ok();
      assertThat(sent.replies).isEqualTo(1);
      if (answer instanceof PickReply r) {
        sequences.add(r.picked().sequence());
      } else {
        assertThat(answer).isInstanceOf(RotationState.class);
      }
      if (command.apply(id) instanceof io.leadrouter.rotation.Rotation.Delete) {
        assertThat(after.failure()).isEqualTo(404);
        assertThat(f.state(id)).isNull();
      } else {
        sequences.add(after.sequence());
        assertThat(f.state(id)).isInstanceOf(LifecycleState.Ready.class);
      }
      assertThat(sequences).as("sequences, in answer order").isSorted().doesNotHaveDuplicates();
      if (!sequences.isEmpty()) {
        assertThat(sequences.get(sequences.size() - 1) - sequences.get(0)).as("no gap").isEqualTo(sequences.size() - 1);
      }
    }
  }

  static Stream<Arguments> modeTimesCommand() {
    List<Arguments> all = new ArrayList<>();
    for (boolean cluster : List.of(false, true)) {
      for (LongFunction<Command> c : COMMANDS) {
        all.add(Arguments.of(cluster ? "cluster" : "single node", c.apply(0).getClass().getSimpleName(), c));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "Ready ({0}) × {1}")
  @MethodSource("modeTimesCommand")
  void readyRotationRunsTheCommandAtOnce(String mode, String name, LongFunction<Command> command) {
    try (OwnerFixture f = new OwnerFixture(mode.equals("cluster"), 2, 1000)) {
      long id = f.createRotation();
      Sent first = f.send(pick(id));
      f.settle();
      assertThat(first.sequence()).isEqualTo(1);
      assertThat(f.state(id)).isInstanceOf(LifecycleState.Ready.class);
      Sent sent = f.send(command.apply(id));
      f.settle(); // a cluster pick is answered after its replica round, at the end of the turn
      Object answer = sent.ok();
      if (answer instanceof PickReply r) {
        assertThat(r.picked().sequence()).isEqualTo(2);
      } else {
        assertThat(answer).isInstanceOf(RotationState.class);
      }
      boolean deleted = command.apply(id) instanceof io.leadrouter.rotation.Rotation.Delete;
      if (deleted) {
        assertThat(f.state(id)).isNull();
      } else {
        assertThat(f.state(id)).isInstanceOf(LifecycleState.Ready.class);
      }
    }
  }

  @ParameterizedTest(name = "Gone ({0}) × {1}")
  @MethodSource("modeTimesCommand")
  void goneRotationAnswersNotFoundAndStaysOutOfMemory(String mode, String name, LongFunction<Command> command) {
    try (OwnerFixture f = new OwnerFixture(mode.equals("cluster"), 2, 1000)) {
      long id = f.createRotation();
      f.send(pick(id));
      f.settle();
      assertThat(f.send(delete(id)).ok()).isInstanceOf(RotationState.class);
      assertThat(f.state(id)).isNull();
      Sent sent = f.send(command.apply(id));
      f.settle();
      assertThat(sent.failure()).isEqualTo(404);
      assertThat(f.state(id)).isNull();
    }
  }
}
