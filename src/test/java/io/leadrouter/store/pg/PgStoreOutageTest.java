package io.leadrouter.store.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.rotation.Status;
import io.leadrouter.store.NewRotation;
import io.leadrouter.store.StoreException;
import io.leadrouter.store.StoreException.Kind;
import io.leadrouter.store.UserDraft;
import io.leadrouter.store.WriteBatch;
import io.leadrouter.testing.TcpProxy;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A database that cannot be reached fails fast with UNAVAILABLE (the HTTP layer answers 503), never hangs. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PgStoreOutageTest {

  private static String closedPortUri;

  @BeforeAll
  static void findClosedPort() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    closedPortUri = "postgresql://lr:secret@127.0.0.1:" + port + "/lr";
  }

  @Test
  void operationsOnAnUnreachableDatabaseFailUnavailable(Vertx vertx, VertxTestContext ctx) {
    PgStore store = new PgStore(Postgres.pool(vertx, closedPortUri, 2, Duration.ofSeconds(1)));
    long start = System.nanoTime();
    unavailable(store.rotations().loadRotation(1))
        .compose(v -> unavailable(store.rotations().createRotation(
            new NewRotation("acct", "R", Status.ACTIVE, null, List.of(), "admin"))))
        .compose(v -> unavailable(store.directory().createUser("acct", new UserDraft("a@x.io", null, null, null), "admin")))
        .compose(v -> unavailable(store.rotations().flush(new WriteBatch(List.of(new WriteBatch.Progress(1, 0, 1)), List.of()))))
        .compose(v -> unavailable(store.assignmentLog().listAssignments(1, null, null, null, 10, 0)))
        .map(v -> assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5)))
        .compose(v -> store.close())
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void openingAnUnreachableDatabaseFailsUnavailableWithoutThePassword(Vertx vertx, VertxTestContext ctx) {
    Postgres.open(vertx, closedPortUri, 2).onComplete(ctx.failing(e -> ctx.verify(() -> {
      assertThat(e).isInstanceOf(StoreException.class);
      assertThat(((StoreException) e).kind()).isEqualTo(Kind.UNAVAILABLE);
      assertThat(e.getMessage()).doesNotContain("secret");
      ctx.completeNow();
    })));
  }

  @Test
  void aClosedPoolFailsUnavailable(Vertx vertx, VertxTestContext ctx) {
    String uri = TestPostgres.freshDatabaseUri();
    Postgres.open(vertx, uri, 2)
        .compose(store -> store.close().compose(v -> unavailable(store.directory().getUser("acct", 1))))
        .onComplete(ar -> {
          TestPostgres.dropDatabase(uri);
          ctx.completing().handle(ar.mapEmpty());
        });
  }

  /**
   * A network that drops packets silently (no reset, no close): every call, a write, a read, a flush and
   * the readiness ping, fails UNAVAILABLE within the store's timeout instead of hanging, and the store works
   * again once the network does.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void callsOnABlackholedDatabaseFailUnavailableWithinTheTimeout(Vertx vertx) throws Exception {
    String uri = TestPostgres.freshDatabaseUri();
    TcpProxy proxy = TcpProxy.forPostgres(vertx, uri).await(10, TimeUnit.SECONDS);
    Duration timeout = Duration.ofSeconds(1);
    PgStore store = Postgres.open(vertx, proxy.via(uri), new Postgres.Settings(2, timeout)).await(60, TimeUnit.SECONDS);
    try {
      long id = store.rotations().createRotation(new NewRotation("acct", "R", Status.ACTIVE, null, List.of(), "admin"))
          .await(10, TimeUnit.SECONDS).id();
      store.ping().await(10, TimeUnit.SECONDS);

      proxy.blackhole();

      // the pool's two connections hang first, then new connections hang in their start-up handshake
      List<Future<?>> calls = List.of(
          store.rotations().loadRotation(id),
          store.rotations().createRotation(new NewRotation("acct", "S", Status.ACTIVE, null, List.of(), "admin")),
          store.rotations().flush(new WriteBatch(List.of(new WriteBatch.Progress(id, 0, 1)), List.of())),
          store.ping());
      for (Future<?> call : calls) {
        long started = System.nanoTime();
        unavailable(call).await(30, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(timeout.plusSeconds(2));
      }
      long started = System.nanoTime();
      unavailable(store.directory().listUsers("acct", 10, 0)).await(30, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a call made during the blackhole")
          .isLessThan(timeout.plusSeconds(2));

      proxy.resume();

      assertThat(store.rotations().loadRotation(id).await(10, TimeUnit.SECONDS).state().name()).isEqualTo("R");
      store.ping().await(10, TimeUnit.SECONDS);
    } finally {
      store.close().await(10, TimeUnit.SECONDS);
      proxy.close();
      TestPostgres.dropDatabase(uri);
    }
  }

  private static Future<Void> unavailable(Future<?> f) {
    return f.transform(ar -> {
      if (ar.succeeded()) {
        return Future.failedFuture(new AssertionError("expected UNAVAILABLE, got " + ar.result()));
      }
      assertThat(ar.cause()).isInstanceOf(StoreException.class);
      assertThat(((StoreException) ar.cause()).kind()).isEqualTo(Kind.UNAVAILABLE);
      return Future.succeededFuture();
    });
  }
}
