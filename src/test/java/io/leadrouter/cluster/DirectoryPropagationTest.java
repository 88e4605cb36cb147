package io.leadrouter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A user edited through one member reaches the other member's directory cache within a second. */
class DirectoryPropagationTest {

  @Test
  void aUserEditOnOneMemberShowsOnTheOtherWithinASecond() throws Exception {
    String pgUri = TestPostgres.freshDatabaseUri();
    List<Integer> ports = InJvmMember.freePorts(2);
    List<InJvmMember> members = new ArrayList<>();
    Vertx client = Vertx.vertx();
    try {
      for (int port : ports) {
        members.add(InJvmMember.start(pgUri, port, ports));
      }
      String token = TestApp.token(client, "ops@example.com", "2311");
      Api first = new Api(client, members.get(0).httpPort(), token, "2311");
      Api second = new Api(client, members.get(1).httpPort(), token, "2311");
      InJvmMember.awaitSettled(List.of(first, second), 2);
      HttpResponse<Buffer> created = first.post("/users", new JsonObject().put("email", "ann@example.com"))
          .await(30, TimeUnit.SECONDS);
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      long id = created.bodyAsJsonObject().getLong("id");
      var remote = members.get(1).app.people();
      remote.load("2311", List.of(id)).await(30, TimeUnit.SECONDS);
      assertThat(remote.view().availability(id).active()).isTrue();
      long version = remote.view().version();

      HttpResponse<Buffer> edited = first.put("/users/" + id, new JsonObject().put("active", false)
          .put("awayUntil", "2031-01-01T00:00:00Z")).await(30, TimeUnit.SECONDS);
      assertThat(edited.statusCode()).as(edited.bodyAsString()).isEqualTo(200);
      long deadline = System.currentTimeMillis() + 1_000;
      // the version moves right after the data (never before it: a view must not show old data under a new version)
      while ((remote.view().availability(id).active() || remote.view().version() == version)
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      assertThat(remote.view().availability(id).active()).as("inactive on the other member within 1 s").isFalse();
      assertThat(remote.view().availability(id).awayUntil()).isEqualTo("2031-01-01T00:00:00Z");
      assertThat(remote.view().version()).isGreaterThan(version);
    } finally {
      for (InJvmMember m : members) {
        m.stop();
      }
      client.close().await(10, TimeUnit.SECONDS);
      TestPostgres.dropDatabase(pgUri);
    }
  }
}
