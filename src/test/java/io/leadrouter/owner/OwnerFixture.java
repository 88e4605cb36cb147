package io.leadrouter.owner;

import io.leadrouter.ops.Metrics;
import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.Rotation.Command;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.rotation.Status;
import io.leadrouter.store.NewRotation;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One owner's rotations (what {@link PartitionOwnerVerticle} builds) on a plain Vert.x context, without a
 * verticle, the event bus or Postgres: the in-memory store behind {@link GatedStore} and, in cluster mode,
 * a {@link FakeReplica}. Everything touching the owner runs on its context through {@link #on}.
 */
final class OwnerFixture implements AutoCloseable {

  static final String ACCOUNT = "a1";

  final Vertx vertx = Vertx.vertx();
  final Context context = vertx.getOrCreateContext();
  final GatedStore gated = new GatedStore();
  final FakeReplica replica;
  final AtomicLong now = new AtomicLong(1_000_000);
  final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now.get());
    }
  };
  final OwnerSettings settings;
  volatile boolean hosted = true;
  WriteBehind writeBehind;
  ActiveRotations rotations;
  final Metrics metrics = new Metrics(Metrics.prometheus());

  OwnerFixture(boolean cluster, int sequenceBlock, int writeBufferMax) {
    this.replica = cluster ? new FakeReplica() : null;
    this.settings = new OwnerSettings(1, writeBufferMax, 100, 50, sequenceBlock, 10_000, "test", cluster);
    on(() -> {
      writeBehind = new WriteBehind(vertx, gated.store, "test", writeBufferMax, 100, 50, Metrics.none());
      Acknowledgement ack = cluster
          ? new GroupCommit(context, replica, gated.store, writeBehind, p -> hosted, metrics)
          : new AckFromMemory(gated.store, writeBehind);
      rotations = new ActiveRotations(ack, gated.store, settings, clock, Metrics.none(), writeBehind, p -> hosted);
      return null;
    });
  }

  /** Runs {@code action} on the owner's context and waits for it (and for what it queued before it). */
  <T> T on(Supplier<T> action) {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        done.complete(action.get());
      } catch (Throwable t) {
        done.completeExceptionally(t);
      }
    });
    try {
      return done.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  void on(Runnable action) {
    on(() -> {
      action.run();
      return null;
    });
  }

  /** Lets the context run what is queued on it (group-commit rounds start at the end of a turn). */
  void settle() {
    on(() -> { });
    on(() -> { });
  }

  long createRotation() {
    List<Member> members = List.of(new Member(1, "a@example.com", "A", 2), new Member(2, "b@example.com", "B", 1));
    RotationState created = gated.real.rotations().createRotation(new NewRotation(ACCOUNT, "r", Status.ACTIVE, null, members,
        "test")).result();
    return created.id();
  }

  Sent send(Command command) {
    Sent sent = new Sent(command);
    on(() -> rotations.dispatch(0, sent));
    return sent;
  }

  LifecycleState state(long id) {
    return on(() -> rotations.stateOf(id));
  }

  static Rotation.Pick pick(long id) {
    return new Rotation.Pick(ACCOUNT, id, null);
  }

  static Rotation.Get get(long id) {
    return new Rotation.Get(ACCOUNT, id);
  }

  static Rotation.Update rename(long id, String name) {
    return new Rotation.Update(ACCOUNT, id, name, false, null, null, "test");
  }

  static Rotation.ChangeStatus status(long id, Status status) {
    return new Rotation.ChangeStatus(ACCOUNT, id, status, "test");
  }

  static Rotation.Delete delete(long id) {
    return new Rotation.Delete(ACCOUNT, id, "test");
  }

  @Override
  public void close() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A command as the owner receives it: its answer is a reply body or a failure code. */
  static final class Sent implements Message<Command> {
    private final Command body;
    final CompletableFuture<Object> answer = new CompletableFuture<>();
    int replies;

    Sent(Command body) {
      this.body = body;
    }

    boolean answered() {
      return answer.isDone();
    }

    /** The reply body; fails the test if the command failed or is not answered. */
    Object ok() {
      Object a = answer.getNow(null);
      if (a == null) {
        throw new AssertionError(body + " not answered");
      }
      if (a instanceof ReplyException e) {
        throw new AssertionError(body + " failed " + e.failureCode() + ": " + e.getMessage());
      }
      return a;
    }

    long sequence() {
      return ((PickReply) ok()).picked().sequence();
    }

    /** The failure code; fails the test if the command succeeded or is not answered. */
    int failure() {
      Object a = answer.getNow(null);
      if (!(a instanceof ReplyException e)) {
        throw new AssertionError(body + " did not fail: " + a);
      }
      return e.failureCode();
    }

    @Override
    public String address() {
      return Partitioner.address(0);
    }

    @Override
    public MultiMap headers() {
      return MultiMap.caseInsensitiveMultiMap();
    }

    @Override
    public Command body() {
      return body;
    }

    @Override
    public String replyAddress() {
      return "reply";
    }

    @Override
    public boolean isSend() {
      return true;
    }

    @Override
    public void reply(Object message, DeliveryOptions options) {
      replies++;
      answer.complete(message);
    }

    @Override
    public <R> io.vertx.core.Future<Message<R>> replyAndRequest(Object message, DeliveryOptions options) {
      throw new UnsupportedOperationException();
    }
  }
}
