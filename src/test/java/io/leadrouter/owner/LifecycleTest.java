package io.leadrouter.owner;

import static io.leadrouter.owner.OwnerFixture.delete;
import static io.leadrouter.owner.OwnerFixture.get;
import static io.leadrouter.owner.OwnerFixture.pick;
import static io.leadrouter.owner.OwnerFixture.rename;
import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.owner.LifecycleState.Activating;
import io.leadrouter.owner.LifecycleState.AwaitingBlock;
import io.leadrouter.owner.LifecycleState.AwaitingReplica;
import io.leadrouter.owner.LifecycleState.Gone;
import io.leadrouter.owner.LifecycleState.Leaving;
import io.leadrouter.owner.LifecycleState.Passivating;
import io.leadrouter.owner.LifecycleState.Persisting;
import io.leadrouter.owner.LifecycleState.Ready;
import io.leadrouter.owner.OwnerFixture.Sent;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.store.Assignment;
import io.leadrouter.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle's races, one at a time, with the store and the replica held at the exact moment that
 * matters. Plain JUnit: in-memory store, fake replica, no verticle, no Postgres.
 */
class LifecycleTest {

  @Test
  void blockArrivingDuringAConfigurationWriteLeavesWaitingPicksWaiting() {
    try (OwnerFixture f = new OwnerFixture(false, 4, 1000)) {
      long id = f.createRotation();
      List<Long> sequences = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        sequences.add(f.send(pick(id)).sequence()); // 1 waits for the block up to 4
      }
      f.on(() -> f.gated.gate("reserveSequences"));
      sequences.add(f.send(pick(id)).sequence()); // 3: ceiling - 3 < 2, the refill is held
      sequences.add(f.send(pick(id)).sequence());
      assertThat(f.gated.held("reserveSequences")).isEqualTo(1);

      f.on(() -> f.gated.gate("saveRotation"));
      Sent rename = f.send(rename(id, "renamed"));
      assertThat(f.state(id)).isInstanceOf(Persisting.class);
      List<Sent> waiting = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        waiting.add(f.send(pick(id)));
      }
      f.on(() -> f.gated.open("reserveSequences")); // the block arrives mid-update
      assertThat(f.state(id)).isInstanceOf(Persisting.class);
      assertThat(waiting).noneMatch(Sent::answered);

      f.on(() -> f.gated.open("saveRotation"));
      assertThat(((RotationState) rename.ok()).sequence()).isEqualTo(4);
      waiting.forEach(s -> sequences.add(s.sequence()));
      assertThat(sequences).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
      assertThat(f.state(id)).isInstanceOf(Ready.class);
    }
  }

  @Test
  void unreachableStoreLetsTheWaitingPickGoAboveTheCeilingUntilTheBufferIsFull() {
    try (OwnerFixture f = new OwnerFixture(false, 2, 3)) {
      long id = f.createRotation();
      Sent warm = f.send(get(id));
      assertThat(warm.ok()).isInstanceOf(RotationState.class);
      f.gated.down = true;
      Sent first = f.send(pick(id)); // waits for a block; the reservation fails: store unreachable
      Sent second = f.send(pick(id));
      Sent third = f.send(pick(id));
      f.on(() -> f.writeBehind.tick()); // the flush fails while picks wait for the buffer
      Sent refused = f.send(pick(id));
      assertThat(List.of(first.sequence(), second.sequence(), third.sequence())).containsExactly(1L, 2L, 3L);
      assertThat(refused.failure()).isEqualTo(503);
      assertThat(f.on(() -> f.writeBehind.failing())).isTrue();

      f.gated.down = false;
      f.on(() -> f.writeBehind.drain()); // written by the flush retry
      awaitTrue(f, () -> f.gated.real.assignments(id).size() == 3);
      assertThat(f.gated.real.assignments(id)).extracting(Assignment::sequence).containsExactly(1L, 2L, 3L);
      f.now.addAndGet(1_000); // past the reservation retry delay
      assertThat(f.send(pick(id)).sequence()).isEqualTo(4);
      assertThat(f.gated.real.rotations().loadRotation(id).result().sequenceCeiling()).isEqualTo(6);
    }
  }

  @Test
  void refusedReservationFailsTheParkedPickAndTheStashThenTheNextPickRetries() {
    try (OwnerFixture f = new OwnerFixture(false, 2, 1000)) {
      long id = f.createRotation();
      f.on(() -> f.gated.gate("reserveSequences"));
      f.gated.fail("reserveSequences", new StoreException(StoreException.Kind.CONFLICT, "refused (test)"));
      Sent parked = f.send(pick(id));
      Sent stashed = f.send(rename(id, "x"));
      assertThat(f.state(id)).isInstanceOf(AwaitingBlock.class);
      f.on(() -> f.gated.open("reserveSequences"));
      assertThat(parked.failure()).isEqualTo(409);
      assertThat(stashed.failure()).isEqualTo(409);
      assertThat(f.state(id)).isInstanceOf(Ready.class);
      f.gated.heal("reserveSequences");
      assertThat(f.send(pick(id)).sequence()).isEqualTo(1);
    }
  }

  @Test
  void failedReplicaRoundFailsItsPicksEveryLaterOneAndWhatWaitsThenReactivates() {
    try (OwnerFixture f = new OwnerFixture(true, 100, 1000)) {
      long id = f.createRotation();
      Sent first = f.send(pick(id));
      f.settle();
      long acknowledged = first.sequence();
      f.on(f.replica::gate);
      Sent inFlight = f.send(pick(id));
      f.settle();
      Sent batched = f.send(pick(id)); // goes with the next round
      Sent rename = f.send(rename(id, "x"));
      assertThat(f.state(id)).isInstanceOf(AwaitingReplica.class);
      Sent stashed = f.send(get(id));
      f.replica.failAppends = new ReplicaException(ReplicaException.Kind.UNAVAILABLE, "no backup (test)");
      f.on(f.replica::open);
      f.settle();
      for (Sent s : List.of(inFlight, batched, rename, stashed)) {
        assertThat(s.failure()).isEqualTo(503);
      }
      assertThat(f.state(id)).isNull();
      f.replica.failAppends = null;
      assertThat(f.on(() -> f.rotations.unacknowledged())).isZero();

      Sent next = f.send(pick(id)); // reactivated from the replica, which holds exactly what was acknowledged
      f.settle();
      assertThat(next.sequence()).isGreaterThan(acknowledged);
      assertThat(f.replica.entries.get(id).sequence).isEqualTo(next.sequence());
    }
  }

  @Test
  void configurationChangeWaitsUntilTheReplicaHoldsEveryPickBeforeIt() {
    try (OwnerFixture f = new OwnerFixture(true, 100, 1000)) {
      long id = f.createRotation();
      f.send(pick(id));
      f.settle();
      f.on(f.replica::gate);
      Sent pick = f.send(pick(id));
      f.settle();
      Sent rename = f.send(rename(id, "x"));
      assertThat(f.state(id)).isInstanceOf(AwaitingReplica.class);
      assertThat(f.gated.real.rotations().loadRotation(id).result().state().name()).isEqualTo("r");
      f.on(f.replica::open);
      f.settle();
      assertThat(pick.sequence()).isEqualTo(2);
      assertThat(((RotationState) rename.ok()).name()).isEqualTo("x");
      assertThat(f.replica.entries.get(id).sequence).isEqualTo(2);
      assertThat(f.state(id)).isInstanceOf(Ready.class);
    }
  }

  @Test
  void passivationRacingAPickReactivatesAtTheExactNextSequence() {
    try (OwnerFixture f = new OwnerFixture(false, 100, 1000)) {
      long id = f.createRotation();
      assertThat(f.send(pick(id)).sequence()).isEqualTo(1);
      f.on(() -> f.writeBehind.tick());
      f.on(() -> f.gated.gate("releaseSequences"));
      f.now.addAndGet(60_000);
      f.on(() -> f.rotations.passivateIdle());
      assertThat(f.state(id)).isInstanceOf(Passivating.class);
      Sent racing = f.send(pick(id));
      assertThat(racing.answered()).isFalse();
      f.on(() -> f.gated.open("releaseSequences"));
      assertThat(racing.sequence()).isEqualTo(2); // the numbers went back: no gap, no repeat
      assertThat(f.state(id)).isInstanceOf(Ready.class);
    }
  }

  @Test
  void passivationWithNothingWaitingLeavesMemory() {
    try (OwnerFixture f = new OwnerFixture(true, 100, 1000)) {
      long id = f.createRotation();
      f.send(pick(id));
      f.settle();
      f.on(() -> f.writeBehind.tick());
      f.now.addAndGet(60_000);
      f.on(() -> f.rotations.passivateIdle());
      assertThat(f.state(id)).isNull();
      assertThat(f.replica.entries).doesNotContainKey(id);
      assertThat(f.gated.real.rotations().loadRotation(id).result().sequenceCeiling()).isEqualTo(1);
    }
  }

  @Test
  void leavingFailsWhatWaitsLetsTheRoundInFlightFinishThenForgets() {
    try (OwnerFixture f = new OwnerFixture(true, 100, 1000)) {
      long id = f.createRotation();
      f.send(pick(id));
      f.settle();
      f.on(f.replica::gate);
      Sent inFlight = f.send(pick(id));
      f.settle();
      Sent rename = f.send(rename(id, "x"));
      Sent stashed = f.send(get(id));
      f.hosted = false;
      f.on(() -> f.rotations.leave(0));
      assertThat(rename.failure()).isEqualTo(Messages.MOVED);
      assertThat(stashed.failure()).isEqualTo(Messages.MOVED);
      assertThat(f.state(id)).isInstanceOf(Leaving.class);
      assertThat(inFlight.answered()).isFalse();
      f.on(f.replica::open);
      f.settle();
      assertThat(inFlight.sequence()).isEqualTo(2);
      assertThat(f.state(id)).isNull();
    }
  }

  @Test
  void leavingWhileActivatingIgnoresTheLateLoad() {
    try (OwnerFixture f = new OwnerFixture(true, 100, 1000)) {
      long id = f.createRotation();
      f.on(() -> f.gated.gate("loadRotation"));
      Sent waiting = f.send(pick(id));
      assertThat(f.state(id)).isInstanceOf(Activating.class);
      f.hosted = false;
      f.on(() -> f.rotations.leave(0));
      assertThat(waiting.failure()).isEqualTo(Messages.MOVED);
      f.on(() -> f.gated.open("loadRotation"));
      assertThat(f.state(id)).isNull();
      assertThat(waiting.replies).isEqualTo(1);
    }
  }

  @Test
  void leavingDuringAConfigurationWriteStillAnswersIt() {
    try (OwnerFixture f = new OwnerFixture(true, 100, 1000)) {
      long id = f.createRotation();
      f.send(pick(id));
      f.settle();
      f.on(() -> f.gated.gate("saveRotation"));
      Sent rename = f.send(rename(id, "x"));
      Sent stashed = f.send(pick(id));
      assertThat(f.state(id)).isInstanceOf(Persisting.class);
      f.hosted = false;
      f.on(() -> f.rotations.leave(0));
      assertThat(stashed.failure()).isEqualTo(Messages.MOVED);
      assertThat(f.state(id)).isNull();
      f.on(() -> f.gated.open("saveRotation"));
      assertThat(((RotationState) rename.ok()).name()).isEqualTo("x");
    }
  }

  @Test
  void leavingWhileAPickWaitsForItsBlockFailsItAndIgnoresTheLateBlock() {
    try (OwnerFixture f = new OwnerFixture(true, 2, 1000)) {
      long id = f.createRotation();
      f.on(() -> f.gated.gate("reserveSequences"));
      Sent parked = f.send(pick(id));
      assertThat(f.state(id)).isInstanceOf(AwaitingBlock.class);
      f.hosted = false;
      f.on(() -> f.rotations.leave(0));
      assertThat(parked.failure()).isEqualTo(Messages.MOVED);
      assertThat(f.state(id)).isNull();
      f.on(() -> f.gated.open("reserveSequences"));
      f.settle();
      assertThat(parked.replies).isEqualTo(1);
      assertThat(f.replica.appends).isZero();
    }
  }

  @Test
  void stopFailsParkedCommandsAsMovedAndReleasesTheRest() {
    try (OwnerFixture f = new OwnerFixture(true, 2, 1000)) {
      long id = f.createRotation();
      f.on(() -> f.gated.gate("reserveSequences"));
      Sent parked = f.send(pick(id));
      Sent stashed = f.send(pick(id));
      f.on(() -> f.rotations.failWaiting());
      assertThat(parked.failure()).isEqualTo(Messages.MOVED);
      assertThat(stashed.failure()).isEqualTo(Messages.MOVED);
      assertThat(f.state(id)).isInstanceOf(Ready.class);
      f.on(() -> f.gated.open("reserveSequences")); // the late block only raises the ceiling
      assertThat(parked.replies).isEqualTo(1);
      f.on(() -> f.rotations.releaseAll());
      assertThat(f.gated.real.rotations().loadRotation(id).result().sequenceCeiling()).isZero();
      assertThat(f.replica.entries).doesNotContainKey(id);
    }
  }

  @Test
  void deletedRotationLeavesMemoryAndAnswersNotFound() {
    try (OwnerFixture f = new OwnerFixture(false, 100, 1000)) {
      long id = f.createRotation();
      f.send(pick(id));
      assertThat(f.send(delete(id)).ok()).isInstanceOf(RotationState.class);
      assertThat(f.state(id)).isNull();
      assertThat(f.send(get(id)).failure()).isEqualTo(404);
      assertThat(f.state(id)).isNull();
      assertThat(f.gated.real.assignments(id)).hasSize(1); // drained before the delete
    }
  }

  @Test
  void transitionsOutsideTheTableAreRefused() {
    assertThat(new Activating().leadsTo(new Ready())).isTrue();
    assertThat(new Activating().leadsTo(new Persisting(null))).isFalse();
    assertThat(new Ready().leadsTo(new Ready())).isFalse();
    assertThat(new Ready().leadsTo(new Activating())).isFalse();
    assertThat(new AwaitingBlock(null, null).leadsTo(new Persisting(null))).isFalse();
    assertThat(new Persisting(null).leadsTo(new AwaitingBlock(null, null))).isFalse();
    assertThat(new Persisting(null).leadsTo(new Leaving())).isFalse();
    assertThat(new AwaitingReplica(null).leadsTo(new Persisting(null))).isFalse();
    assertThat(new Passivating().leadsTo(new Ready())).isFalse();
    assertThat(new Leaving().leadsTo(new Ready())).isFalse();
    for (LifecycleState s : List.of(new Activating(), new Ready(), new AwaitingBlock(null, null),
        new Persisting(null), new AwaitingReplica(null), new Passivating(), new Leaving(), new Gone())) {
      assertThat(new Gone().leadsTo(s)).isFalse();
    }
  }

  private static void awaitTrue(OwnerFixture f, java.util.function.BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!f.on(condition::getAsBoolean)) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("condition not met in 10 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
