package io.leadrouter.store.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.rotation.Status;
import io.leadrouter.store.NewRotation;
import io.leadrouter.store.StoreException;
import io.leadrouter.store.StoreException.Kind;
import io.leadrouter.store.UserDraft;
import io.leadrouter.store.WriteBatch;
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
    unavailable(store.loadRotation(1))
        .compose(v -> unavailable(store.createRotation(
            new NewRotation("acct", "R", Status.ACTIVE, null, List.of(), "admin"))))
        .compose(v -> unavailable(store.createUser("acct", new UserDraft("a@x.io", null, null, null), "admin")))
        .compose(v -> unavailable(store.flush(new WriteBatch(List.of(new WriteBatch.Progress(1, 0, 1)), List.of()))))
        .compose(v -> unavailable(store.listAssignments(1, null, null, null, 10, 0)))
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
        .compose(store -> store.close().compose(v -> unavailable(store.getUser("acct", 1))))
        .onComplete(ar -> {
          TestPostgres.dropDatabase(uri);
          ctx.completing().handle(ar.mapEmpty());
        });
  }

  @Test
  void maskedUriHidesThePassword() {
    assertThat(Postgres.maskPassword("postgresql://lr:s3cr3t@db:5432/lr")).isEqualTo("postgresql://lr:***@db:5432/lr");
    assertThat(Postgres.maskPassword("postgresql://db/lr?user=lr&password=s3cr3t&sslmode=require"))
        .isEqualTo("postgresql://db/lr?user=lr&password=***&sslmode=require");
    assertThat(Postgres.maskPassword("postgresql://lr@db/lr")).isEqualTo("postgresql://lr@db/lr");
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
