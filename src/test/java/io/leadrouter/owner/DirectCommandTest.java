package io.leadrouter.owner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Rotation.Command;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.rotation.Status;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A single node hands commands to the owners of its process without the event bus ({@link LocalOwners}):
 * the owner's handler runs on the owner's event loop, its answer (or failure) reaches the sender on the
 * sender's context, an owner that never answers costs the sender its timeout (503) as on the event bus, and
 * a partition no owner has entered goes by the event bus.
 */
@ExtendWith(VertxExtension.class)
class DirectCommandTest {

  private static final Partitioner PARTITIONER = Partitioner.hashing(7);
  private static final long ROTATION = 42;
  private static final RotationState STATE = new RotationState(ROTATION, "2311", "r", Status.ACTIVE, null,
      List.of(new Member(1, "a@example.com", "a", 1)), 0, 0, Instant.EPOCH, Instant.EPOCH, "t", "t");

  @Test
  void theOwnerRunsTheCommandOnItsLoopAndTheAnswerReturnsOnTheSendersContext(Vertx vertx) throws Exception {
    Context owner = vertx.getOrCreateContext();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    RotationService service = served(vertx, owner, 5_000, m -> {
      ranOn.set(Thread.currentThread());
      assertThat(m.address()).isEqualTo(Partitioner.address(PARTITIONER.partitionOf(ROTATION)));
      m.reply(STATE, Messages.OPTIONS);
    });
    Thread ownerThread = runOn(owner);

    Context sender = vertx.getOrCreateContext();
    CompletableFuture<Object[]> answered = new CompletableFuture<>();
    sender.runOnContext(v -> service.get("2311", ROTATION).onComplete(ar ->
        answered.complete(new Object[] {ar.result(), Vertx.currentContext(), ar.cause()})));
    Object[] got = answered.get(10, TimeUnit.SECONDS);
    assertThat(got[2]).isNull();
    assertThat(got[0]).isSameAs(STATE);
    assertThat(got[1]).isSameAs(sender);
    assertThat(ranOn.get()).isSameAs(ownerThread);
  }

  @Test
  void aSenderOnTheOwnersLoopHasTheCommandRunAtOnceOnTheOwnersContext() throws Exception {
    Vertx single = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1)); // every context on one loop
    try {
      Context owner = single.getOrCreateContext();
      AtomicReference<Context> ranIn = new AtomicReference<>();
      RotationService service = served(single, owner, 5_000, m -> {
        ranIn.set(Vertx.currentContext());
        m.reply(STATE, Messages.OPTIONS);
      });
      Context sender = single.getOrCreateContext();
      assertThat(sender).isNotSameAs(owner);
      CompletableFuture<Object[]> answered = new CompletableFuture<>();
      CompletableFuture<Context> ranWithinTheCall = new CompletableFuture<>();
      sender.runOnContext(v -> {
        AtomicReference<Boolean> returned = new AtomicReference<>(false);
        service.get("2311", ROTATION).onComplete(ar -> answered.complete(
            new Object[] {ar.result(), Vertx.currentContext(), returned.get()}));
        returned.set(true);
        ranWithinTheCall.complete(ranIn.get());
      });
      assertThat(ranWithinTheCall.get(10, TimeUnit.SECONDS)).isSameAs(owner); // the owner ran within the call
      Object[] got = answered.get(10, TimeUnit.SECONDS);
      assertThat(got[0]).isSameAs(STATE);
      assertThat(got[1]).isSameAs(sender);
      assertThat(got[2]).as("answered after the call returned, never within it").isEqualTo(true);

      // a sender that sends each next command from the previous answer's handler does not recurse
      CompletableFuture<Integer> chain = new CompletableFuture<>();
      sender.runOnContext(v -> new Object() {
        int left = 20_000;

        void next() {
          service.get("2311", ROTATION).onComplete(ar -> {
            if (ar.failed()) {
              chain.completeExceptionally(ar.cause());
            } else if (--left == 0) {
              chain.complete(20_000);
            } else {
              next();
            }
          });
        }
      }.next());
      assertThat(chain.get(60, TimeUnit.SECONDS)).isEqualTo(20_000);
    } finally {
      single.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFailureReplyIsTheOwnersAnswerAsOnTheEventBus(Vertx vertx) {
    RotationService service = served(vertx, vertx.getOrCreateContext(), 5_000, m -> m.fail(404, "no rotation 42"));
    assertThatThrownBy(() -> service.get("2311", ROTATION).await(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(ServiceException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.getMessage()).isEqualTo("no rotation 42");
        });
  }

  @Test
  void anOwnerThatNeverAnswersCostsTheTimeout(Vertx vertx) {
    RotationService service = served(vertx, vertx.getOrCreateContext(), 300, m -> { });
    assertThatThrownBy(() -> service.get("2311", ROTATION).await(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(ServiceException.class, e -> {
          assertThat(e.status()).isEqualTo(503);
          assertThat(e.getMessage()).contains("did not answer in time");
        });
  }

  @Test
  void aPartitionWithNoLocalOwnerGoesByTheEventBus(Vertx vertx) throws Exception {
    vertx.eventBus().registerCodec(new RotationCodec());
    LocalOwners local = new LocalOwners(PARTITIONER.partitionCount());
    String address = Partitioner.address(PARTITIONER.partitionOf(ROTATION));
    vertx.eventBus().localConsumer(address, m -> m.reply(STATE, Messages.OPTIONS)).completion()
        .await(10, TimeUnit.SECONDS);
    RotationService service = new RotationService(vertx, PARTITIONER, 5_000, local);
    assertThat(service.get("2311", ROTATION).await(10, TimeUnit.SECONDS)).isEqualTo(STATE);
    // an owner that left its partitions (stopping) is not reached directly either
    local.serve(PARTITIONER.partitionOf(ROTATION), vertx.getOrCreateContext(), m -> m.fail(500, "not me"));
    local.leave(PARTITIONER.partitionOf(ROTATION));
    assertThat(service.get("2311", ROTATION).await(10, TimeUnit.SECONDS)).isEqualTo(STATE);
  }

  private static Thread runOn(Context context) throws Exception {
    CompletableFuture<Thread> thread = new CompletableFuture<>();
    context.runOnContext(v -> thread.complete(Thread.currentThread()));
    return thread.get(10, TimeUnit.SECONDS);
  }

  /** A single node's service whose owner of {@link #ROTATION}, on {@code owner}, answers with {@code handler}. */
  private static RotationService served(Vertx vertx, Context owner, long timeoutMs, Handler<Message<Command>> handler) {
    LocalOwners local = new LocalOwners(PARTITIONER.partitionCount());
    local.serve(PARTITIONER.partitionOf(ROTATION), owner, handler);
    return new RotationService(vertx, PARTITIONER, timeoutMs, local);
  }
}
