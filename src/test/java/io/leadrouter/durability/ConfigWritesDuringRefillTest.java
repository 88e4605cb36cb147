package io.leadrouter.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.store.pg.PgStore;
import io.leadrouter.store.pg.Postgres;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Regression: a sequence block arriving while a configuration write is in flight must not let queued picks
 * run ahead of that write (applying it would then rewind the sequence and numbers would repeat).
 */
@ExtendWith(VertxExtension.class)
class ConfigWritesDuringRefillTest {

  private Api api;

  @Test
  void sequencesStayUniqueWhileRenamingUnderLoad(Vertx vertx) throws Exception {
    String uri = TestPostgres.freshDatabaseUri();
    PgStore store = Postgres.open(vertx, uri, 4).await(60, TimeUnit.SECONDS);
    TestApp node = TestApp.start(vertx, store, "--sequence-block", "2").await(30, TimeUnit.SECONDS);
    try {
      api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "a1"), "a1");
      long id = api.createRotation(new JsonObject().put("name", "r")
          .put("members", new JsonArray().add("a@example.com").add("b@example.com")))
          .await(30, TimeUnit.SECONDS).getLong("id");
      Map<Long, Integer> seen = new ConcurrentHashMap<>();
      AtomicInteger duplicates = new AtomicInteger();
      AtomicInteger picks = new AtomicInteger(3000);
      List<Future<Void>> loops = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Promise<Void> p = Promise.promise();
        loops.add(p.future());
        pickLoop(id, picks, seen, duplicates, p);
      }
      Promise<Void> renamed = Promise.promise();
      loops.add(renamed.future());
      renameLoop(id, new AtomicInteger(300), renamed);
      Future.all(loops).await(120, TimeUnit.SECONDS);
      assertThat(seen).hasSizeGreaterThan(2000);
      assertThat(duplicates.get()).as("sequence numbers handed out twice").isZero();
    } finally {
      node.app.stop().await(30, TimeUnit.SECONDS);
      store.close().await(30, TimeUnit.SECONDS);
      TestPostgres.dropDatabase(uri);
    }
  }

  private void pickLoop(long id, AtomicInteger left, Map<Long, Integer> seen, AtomicInteger duplicates,
      Promise<Void> done) {
    if (left.decrementAndGet() < 0) {
      done.complete();
      return;
    }
    api.get("/lead-rotations/" + id + "/next-user").onComplete(ar -> {
      if (ar.succeeded() && ar.result().statusCode() == 200
          && seen.put(ar.result().bodyAsJsonObject().getLong("sequence"), 1) != null) {
        duplicates.incrementAndGet();
      }
      pickLoop(id, left, seen, duplicates, done);
    });
  }

  private void renameLoop(long id, AtomicInteger left, Promise<Void> done) {
    if (left.decrementAndGet() < 0) {
      done.complete();
      return;
    }
    api.put("/lead-rotations/" + id, new JsonObject().put("name", "r" + left.get()))
        .onComplete(ar -> renameLoop(id, left, done));
  }
}
