package io.leadrouter.owner;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.rotation.Status;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A partition whose owner died has no owner for a moment (Hazelcast has not promoted the backup yet). Its
 * partition address may still name the dead member's consumer, where a message is dropped unanswered; so a
 * command waits for the table to name an owner and goes to that owner's address, never to the partition's.
 */
@ExtendWith(VertxExtension.class)
class UnownedPartitionTest {

  private static final Partitioner PARTITIONER = Partitioner.hashing(7);
  private static final long ROTATION = 42;

  @Test
  void aCommandWaitsForAnOwnerRatherThanSendingToThePartitionAddress(Vertx vertx) throws Exception {
    vertx.eventBus().registerCodec(new RotationCodec());
    int partition = PARTITIONER.partitionOf(ROTATION);
    AtomicInteger toPartition = new AtomicInteger();
    vertx.eventBus().consumer(Partitioner.address(partition), m -> toPartition.incrementAndGet()); // never answers
    RotationState state = new RotationState(ROTATION, "2311", "r", Status.ACTIVE, null,
        List.of(new Member(1, "a@example.com", "a", 1)), 0, 0, Instant.EPOCH, Instant.EPOCH, "t", "t");
    String ownerAddress = Partitioner.ownerAddress("node-b", 0);
    vertx.eventBus().consumer(ownerAddress, m -> m.reply(state, Messages.OPTIONS)).completion()
        .await(10, TimeUnit.SECONDS);

    long ownedFrom = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
    OwnerWatch watch = new OwnerWatch() {
      @Override
      public Object ownerOf(int p) {
        return System.nanoTime() < ownedFrom ? null : "member-b";
      }

      @Override
      public String ownerAddress(int p) {
        return System.nanoTime() < ownedFrom ? null : ownerAddress;
      }

      @Override
      public boolean departed(Object member) {
        return false;
      }

      @Override
      public Future<Void> routable(String address) {
        return Future.succeededFuture();
      }

      @Override
      public Runnable onDeparted(Consumer<Set<Object>> listener) {
        return () -> { };
      }

      @Override
      public boolean settling() {
        return false;
      }

      @Override
      public boolean connected() {
        return true;
      }

      @Override
      public Runnable onDisconnected(Runnable listener) {
        return () -> { };
      }
    };
    RotationService service = new RotationService(vertx, PARTITIONER, 10_000, watch);

    RotationState answer = service.get("2311", ROTATION).await(15, TimeUnit.SECONDS);

    assertThat(answer.id()).isEqualTo(ROTATION);
    assertThat(toPartition.get()).as("messages sent to the partition address while it had no owner").isZero();
  }
}
