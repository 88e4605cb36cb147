package io.leadrouter.util;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A registration the cluster could not confirm is dropped and made again; one that never succeeds fails. */
class ConsumersTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A consumer whose registration completes as {@code completion}, recording its unregistration. */
  @SuppressWarnings("unchecked")
  private static MessageConsumer<Object> consumer(Future<Void> completion, List<Integer> unregistered, int n) {
    return (MessageConsumer<Object>) Proxy.newProxyInstance(ConsumersTest.class.getClassLoader(),
        new Class<?>[] {MessageConsumer.class}, (proxy, method, args) -> switch (method.getName()) {
          case "completion" -> completion;
          case "unregister" -> {
            unregistered.add(n);
            yield Future.succeededFuture();
          }
          case "toString" -> "consumer " + n;
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  @Test
  void aRegistrationTheClusterDidNotConfirmIsMadeAgain() throws Exception {
    AtomicInteger made = new AtomicInteger();
    List<Integer> unregistered = new ArrayList<>();
    List<MessageConsumer<Object>> all = new ArrayList<>();
    MessageConsumer<Object> c = Consumers.registered(vertx, "test", () -> {
      int n = made.incrementAndGet();
      MessageConsumer<Object> next = consumer(n < 3
          ? Future.failedFuture(new IllegalStateException("indeterminate operation state")) : Future.succeededFuture(),
          unregistered, n);
      all.add(next);
      return next;
    }).await(10, TimeUnit.SECONDS);
    assertThat(made.get()).isEqualTo(3);
    assertThat(c).isSameAs(all.get(2));
    assertThat(unregistered).as("the failed registrations are dropped").containsExactly(1, 2);
  }

  @Test
  void aRegistrationThatNeverSucceedsFailsTheStart() throws Exception {
    List<Integer> unregistered = new ArrayList<>();
    AtomicInteger made = new AtomicInteger();
    Future<MessageConsumer<Object>> f = Consumers.registered(vertx, "test",
        () -> consumer(Future.failedFuture(new IllegalStateException("no")), unregistered, made.incrementAndGet()));
    Throwable failure = f.transform(Future::succeededFuture).await(30, TimeUnit.SECONDS).cause();
    assertThat(failure).hasMessage("no");
    assertThat(made.get()).isEqualTo(Consumers.ATTEMPTS);
  }
}
