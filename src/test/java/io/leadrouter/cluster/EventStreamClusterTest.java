package io.leadrouter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.Api;
import io.leadrouter.testing.SseStream;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A rotation's event stream on a member that does not own the rotation receives the picks made through the
 * owner, in order with their sequence; and it goes on receiving them after the owner left and another member
 * took the rotation over (three members, so that two keep the majority).
 */
class EventStreamClusterTest {

  @Test
  void theStreamOnTheOtherMemberReceivesTheOwnersPicksAlsoAfterAFailover() throws Exception {
    String pgUri = TestPostgres.freshDatabaseUri();
    List<Integer> ports = InJvmMember.freePorts(3);
    List<InJvmMember> members = new ArrayList<>();
    Vertx client = Vertx.vertx();
    HttpClient http = client.createHttpClient();
    boolean[] stopped = new boolean[3];
    try {
      for (int port : ports) {
        members.add(InJvmMember.start(pgUri, port, ports));
      }
      String token = TestApp.token(client, "ops@example.com", "2311");
      List<Api> apis = new ArrayList<>();
      for (InJvmMember m : members) {
        apis.add(new Api(client, m.httpPort(), token, "2311"));
      }
      InJvmMember.awaitSettled(apis, 3);
      long id = apis.get(0).createRotation(new JsonObject().put("name", "streamed").put("members", new JsonArray()
              .add("a@example.com").add("b@example.com")))
          .await(30, TimeUnit.SECONDS).getLong("id");
      int owner = -1;
      for (int i = 0; i < members.size(); i++) {
        InJvmMember m = members.get(i);
        if (m.node.ownership().hosts(m.node.partitioner().partitionOf(id))) {
          owner = i;
        }
      }
      assertThat(owner).as("the rotation's owner").isNotNegative();
      int other = (owner + 1) % 3;

      SseStream stream = SseStream.open(http, members.get(other).httpPort(), id, token, "2311")
          .await(30, TimeUnit.SECONDS);
      assertThat(stream.response().statusCode()).isEqualTo(200);
      List<Long> sequences = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        sequences.add(pick(apis.get(owner), id).getLong("sequence"));
      }
      List<JsonObject> seen = stream.picks(5);
      assertThat(seen).extracting(p -> p.getLong("sequence")).containsExactlyElementsOf(sequences);

      // the owner leaves: a survivor owns the rotation now, and its picks reach the same stream
      members.get(owner).stop();
      stopped[owner] = true;
      for (int i = 0; i < 3; i++) {
        sequences.add(pick(apis.get((owner + 2) % 3), id).getLong("sequence"));
      }
      seen = stream.picks(8);
      assertThat(seen).extracting(p -> p.getLong("sequence")).containsExactlyElementsOf(sequences);
      assertThat(sequences).doesNotHaveDuplicates().isSorted();
      assertThat(stream.ended()).isFalse();
    } finally {
      http.close().await(10, TimeUnit.SECONDS);
      for (int i = 0; i < members.size(); i++) {
        if (!stopped[i]) {
          members.get(i).stop();
        }
      }
      client.close().await(10, TimeUnit.SECONDS);
      TestPostgres.dropDatabase(pgUri);
    }
  }

  private static JsonObject pick(Api api, long id) throws Exception {
    HttpResponse<Buffer> r = api.get("/lead-rotations/" + id + "/next-user").await(30, TimeUnit.SECONDS);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }
}
