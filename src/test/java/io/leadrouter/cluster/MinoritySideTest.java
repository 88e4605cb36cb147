package io.leadrouter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Split-brain protection: a member that sees fewer members than the quorum (here: the two others crashed,
 * as the small side of a split sees it) refuses picks with 503 and says why, and reports itself not ready.
 */
class MinoritySideTest {

  @Test
  void aMemberBelowTheQuorumRefusesPicksWith503() throws Exception {
    String pgUri = TestPostgres.freshDatabaseUri();
    List<Integer> ports = InJvmMember.freePorts(3);
    List<InJvmMember> members = new ArrayList<>();
    Vertx client = Vertx.vertx();
    try {
      for (int port : ports) {
        members.add(InJvmMember.start(pgUri, port, ports));
      }
      String token = TestApp.token(client, "ops@example.com", "2311");
      Api api = new Api(client, members.get(0).httpPort(), token, "2311");
      List<Api> all = new ArrayList<>();
      for (InJvmMember m : members) {
        all.add(new Api(client, m.httpPort(), token, "2311"));
      }
      InJvmMember.awaitSettled(all, 3);
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ids.add(api.createRotation(new JsonObject().put("name", "split " + i).put("members", new JsonArray()
            .add("a@example.com").add("b@example.com"))).await(30, TimeUnit.SECONDS).getLong("id"));
        assertThat(api.get("/lead-rotations/" + ids.get(i) + "/next-user").await(30, TimeUnit.SECONDS).statusCode())
            .isEqualTo(200);
      }

      // the other two vanish at once, without leaving: member 0 is alone, below the quorum of 2
      members.get(1).node.hazelcast().getLifecycleService().terminate();
      members.get(2).node.hazelcast().getLifecycleService().terminate();
      long deadline = System.currentTimeMillis() + 60_000;
      HttpResponse<Buffer> ready;
      do {
        Thread.sleep(200);
        ready = api.get("/health/ready").await(10, TimeUnit.SECONDS);
      } while (ready.statusCode() == 200 && System.currentTimeMillis() < deadline);
      assertThat(ready.statusCode()).as(ready.bodyAsString()).isEqualTo(503);
      JsonObject cluster = ready.bodyAsJsonObject().getJsonObject("checks").getJsonObject("cluster");
      assertThat(cluster.getBoolean("quorumPresent")).isFalse();

      for (long id : ids) {
        HttpResponse<Buffer> r = api.get("/lead-rotations/" + id + "/next-user").await(30, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(503);
        assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message"))
            .contains("cut off from the majority of the cluster");
      }
    } finally {
      members.get(0).stop();
      for (int i = 1; i < members.size(); i++) {
        members.get(i).node.vertx().close().await(60, TimeUnit.SECONDS);
      }
      client.close().await(10, TimeUnit.SECONDS);
      TestPostgres.dropDatabase(pgUri);
    }
  }
}
