package io.leadrouter.owner;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.rotation.Member;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.Rotation.UserPicked;
import io.leadrouter.rotation.SkipReason;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The owner's announcements of picks: acknowledged picks only, one message per rotation per interval in
 * sequence order, a bounded batch with a {@code dropped} count, the fallback's rotation told too, and the
 * deletion after the last picks.
 */
@ExtendWith(VertxExtension.class)
class PickEventsTest {

  private static final Member ANN = new Member(1, "ann@example.com", "Ann", 1);
  private static final Member BOB = new Member(2, "bob@example.com", "Bob", 1);

  /** Acknowledges every pick but those numbered in {@code refused}; the rest is never called here. */
  private static Acknowledgement acknowledging(long... refused) {
    return (Acknowledgement) java.lang.reflect.Proxy.newProxyInstance(Acknowledgement.class.getClassLoader(),
        new Class<?>[] {Acknowledgement.class}, (proxy, method, args) -> switch (method.getName()) {
          case "pick" -> {
            long sequence = ((UserPicked) args[1]).sequence();
            yield java.util.Arrays.stream(refused).anyMatch(r -> r == sequence)
                ? Future.failedFuture("replica lost") : Future.succeededFuture();
          }
          case "delete" -> Future.succeededFuture();
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  private static UserPicked picked(long rotation, long sequence, Member m, Long fallbackFrom) {
    return new UserPicked(rotation, "2311", sequence, m, 0, 0, m, 2, Instant.parse("2026-01-05T10:00:00Z"), null,
        List.of(new Rotation.Skip(2, SkipReason.AWAY)), false, fallbackFrom);
  }

  private static List<JsonObject> listen(Vertx vertx, long rotation) throws Exception {
    List<JsonObject> messages = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(PickEvents.address(rotation), m -> messages.add(m.body()))
        .completion().await(10, TimeUnit.SECONDS);
    return messages;
  }

  private static void await(List<JsonObject> messages, int count) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (messages.size() < count && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
  }

  /** PickEvents is confined to its owner's event loop: the test calls it there. */
  private static void onLoop(Vertx vertx, Runnable r) {
    vertx.runOnContext(v -> r.run());
  }

  @Test
  void acknowledgedPicksArePublishedInOneBatchInSequenceOrder(Vertx vertx) throws Exception {
    List<JsonObject> messages = listen(vertx, 7);
    List<JsonObject> fallbackMessages = listen(vertx, 9);
    PickEvents events = new PickEvents(vertx, acknowledging(3));
    onLoop(vertx, () -> {
      for (long s = 1; s <= 4; s++) {
        events.pick(7, picked(7, s, s % 2 == 1 ? ANN : BOB, s == 4 ? 9L : null), null);
      }
    });
    await(messages, 1);
    Thread.sleep(3 * PickEvents.INTERVAL_MS); // nothing more comes (a quiet check, not a timing assertion)
    assertThat(messages).hasSize(1);
    JsonArray picks = messages.get(0).getJsonArray("picks");
    assertThat(picks.stream().map(p -> ((JsonObject) p).getLong("sequence"))).containsExactly(1L, 2L, 4L);
    assertThat(picks.getJsonObject(0)).isEqualTo(new JsonObject().put("sequence", 1L).put("rotationId", 7L)
        .put("userId", 1L).put("name", "Ann").put("email", "ann@example.com").put("at", "2026-01-05T10:00:00Z")
        .put("skipped", new JsonArray().add(new JsonObject().put("userId", 2L).put("reason", "away"))));
    assertThat(picks.getJsonObject(2).getLong("fallbackFrom")).isEqualTo(9L);
    assertThat(messages.get(0).containsKey("dropped")).isFalse();
    // the rotation that fell back is told of the pick made for it
    await(fallbackMessages, 1);
    assertThat(fallbackMessages.get(0).getJsonArray("picks").getJsonObject(0).getLong("sequence")).isEqualTo(4L);
  }

  @Test
  void aBatchHoldsAtMostMaxBatchPicksAndCountsTheRest(Vertx vertx) throws Exception {
    List<JsonObject> messages = listen(vertx, 5);
    PickEvents events = new PickEvents(vertx, acknowledging());
    int total = PickEvents.MAX_BATCH + 250;
    onLoop(vertx, () -> {
      for (long s = 1; s <= total; s++) {
        events.pick(5, picked(5, s, ANN, null), null);
      }
      events.delete(5);
    });
    await(messages, 1);
    JsonObject batch = messages.get(0);
    assertThat(batch.getJsonArray("picks")).hasSize(PickEvents.MAX_BATCH);
    assertThat(batch.getJsonArray("picks").getJsonObject(PickEvents.MAX_BATCH - 1).getLong("sequence"))
        .isEqualTo(PickEvents.MAX_BATCH);
    assertThat(batch.getLong("dropped")).isEqualTo(250L);
    // the highest sequence among them: a stream that has sent that far from the log is not told it lost them
    assertThat(batch.getLong("lastDropped")).isEqualTo((long) total);
    assertThat(batch.getBoolean("deleted")).isTrue();
  }
}
