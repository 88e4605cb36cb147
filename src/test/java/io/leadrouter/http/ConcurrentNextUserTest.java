package io.leadrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.store.Assignment;
import io.leadrouter.store.memory.InMemoryStore;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ConcurrentNextUserTest {

  @Test
  void aThousandConcurrentCallsGetEverySequenceOnceAndExactWeights(Vertx vertx) throws Exception {
    InMemoryStore store = new InMemoryStore();
    TestApp node = TestApp.start(vertx, store, "--http-instances", "2").await(30, TimeUnit.SECONDS);
    Api api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
    // weights 5,3,2: 1,000 picks are exactly 100 cycles
    long id = api.createRotation(new JsonObject().put("name", "hot").put("members", new JsonArray()
        .add(new JsonObject().put("email", "a@example.com").put("weight", 5))
        .add(new JsonObject().put("email", "b@example.com").put("weight", 3))
        .add(new JsonObject().put("email", "c@example.com").put("weight", 2))))
        .await(10, TimeUnit.SECONDS).getLong("id");

    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      calls.add(api.get("/lead-rotations/" + id + "/next-user"));
    }
    Future.join(calls).await(60, TimeUnit.SECONDS);

    List<Long> sequences = new ArrayList<>();
    Map<String, Integer> perUser = new TreeMap<>();
    for (Future<HttpResponse<Buffer>> call : calls) {
      HttpResponse<Buffer> r = call.result();
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      JsonObject body = r.bodyAsJsonObject();
      sequences.add(body.getLong("sequence"));
      perUser.merge(body.getString("currentUser"), 1, Integer::sum);
    }
    assertThat(sequences).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 1000).boxed().toList());
    assertThat(perUser).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "a@example.com", 500, "b@example.com", 300, "c@example.com", 200)));

    // graceful stop drains the write-behind: the log holds every pick once, in schedule order
    node.app.stop().await(30, TimeUnit.SECONDS);
    List<Assignment> log = store.assignments(id);
    assertThat(log).extracting(Assignment::sequence)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 1000).boxed().toList());
    String firstCycle = log.stream().limit(10).map(a -> a.email().substring(0, 1)).collect(Collectors.joining());
    assertThat(firstCycle).as("smooth weighted order of 5,3,2").isEqualTo("abcaabacba");
    assertThat(store.progressWrites()).as("position writes are coalesced").isLessThan(1000 / 10);
    assertThat(store.rotations().loadRotation(id).result().state().sequence()).isEqualTo(1000);
  }
}
