package io.leadrouter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A Hazelcast full member that is not a Lead Router member (a service that joined with the members' settings,
 * not as a lite member) takes partitions it cannot serve: the member warns once naming it, lists the partitions
 * it holds in {@code /health/ready} and reports itself not ready until it is gone.
 */
class ForeignMemberTest {

  @Test
  void aFullMemberWithoutTheMarkIsWarnedAboutAndListedWithItsPartitions() throws Exception {
    String pgUri = TestPostgres.freshDatabaseUri();
    List<Integer> ports = InJvmMember.freePorts(2);
    InJvmMember member = InJvmMember.start(pgUri, ports.get(0), List.of(ports.get(0)), "--cluster-quorum", "1");
    Vertx client = Vertx.vertx();
    Logger logger = (Logger) LoggerFactory.getLogger(ForeignMembers.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    HazelcastInstance stranger = null;
    try {
      Api probe = new Api(client, member.httpPort(), null, null);
      InJvmMember.awaitSettled(List.of(probe), 1);
      assertThat(ready(probe).getString("status")).isEqualTo("UP");

      stranger = Hazelcast.newHazelcastInstance(strangerConfig(ports.get(1), ports.get(0)));
      String uuid = stranger.getCluster().getLocalMember().getUuid().toString();
      JsonObject down = await(probe, r -> !foreign(r).isEmpty());
      assertThat(down.getString("status")).isEqualTo("DOWN");
      JsonObject listed = foreign(down).getJsonObject(0);
      assertThat(listed.getString("uuid")).isEqualTo(uuid);
      assertThat(listed.getString("address")).contains(String.valueOf(ports.get(1)));
      assertThat(listed.getJsonArray("partitions")).as("the partitions it holds").isNotEmpty();
      assertThat(probe.get("/health/ready").await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(503);

      // a pick of a rotation in one of its partitions answers 503 at once, naming it (not after the timeout)
      Api api = new Api(client, member.httpPort(), TestApp.token(client, "ops@example.com", "2311"), "2311");
      long stranded = 0;
      for (int i = 0; i < 200 && stranded == 0; i++) {
        long id = api.createRotation(new JsonObject().put("name", "r" + i).put("members", new JsonArray()
            .add("a@example.com"))).await(10, TimeUnit.SECONDS).getLong("id");
        if (listed.getJsonArray("partitions").contains(member.node.partitioner().partitionOf(id))) {
          stranded = id;
        }
      }
      assertThat(stranded).as("a rotation in a partition the stranger holds").isPositive();
      long sent = System.nanoTime();
      HttpResponse<Buffer> pick = api.get("/lead-rotations/" + stranded + "/next-user").await(30, TimeUnit.SECONDS);
      assertThat(pick.statusCode()).isEqualTo(503);
      assertThat(pick.bodyAsJsonObject().getJsonObject("error").getString("message")).contains(uuid)
          .contains("not a Lead Router member");
      assertThat((System.nanoTime() - sent) / 1_000_000).as("answered at once, not after the 15 s request timeout")
          .isLessThan(10_000);

      Thread.sleep(1_000); // the watcher re-reads the table every 250 ms: a warning per read would show by now
      List<String> warnings = lines.list.stream().map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m.contains(uuid)).toList();
      assertThat(warnings).as("one WARN for its appearance").hasSize(1);
      assertThat(warnings.get(0)).contains(String.valueOf(ports.get(1))).contains("lite member");

      stranger.shutdown();
      stranger = null;
      JsonObject up = await(probe, r -> foreign(r).isEmpty() && r.getString("status").equals("UP"));
      assertThat(up.getJsonObject("checks").getJsonObject("cluster").getInteger("partitionsOwned")).isEqualTo(61);
    } finally {
      logger.detachAppender(lines);
      if (stranger != null) {
        stranger.shutdown();
      }
      member.stop();
      client.close().await(10, TimeUnit.SECONDS);
      TestPostgres.dropDatabase(pgUri);
    }
  }

  /** What a service configured "like the members" runs: their cluster name and partition count, a full member. */
  private static Config strangerConfig(int port, int memberPort) {
    Config hz = new Config().setClusterName(HazelcastSetup.CLUSTER_NAME);
    hz.setProperty("hazelcast.partition.count", "61");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.getNetworkConfig().setPort(port).setPortAutoIncrement(false).getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    hz.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    hz.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    hz.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + memberPort);
    return hz;
  }

  private static JsonArray foreign(JsonObject ready) {
    JsonArray a = ready.getJsonObject("checks").getJsonObject("cluster").getJsonArray("foreignMembers");
    return a == null ? new JsonArray() : a;
  }

  private static JsonObject ready(Api probe) throws Exception {
    HttpResponse<Buffer> r = probe.get("/health/ready").await(10, TimeUnit.SECONDS);
    return r.bodyAsJsonObject();
  }

  private static JsonObject await(Api probe, Predicate<JsonObject> until) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    JsonObject last;
    do {
      last = ready(probe);
      if (until.test(last)) {
        return last;
      }
      Thread.sleep(200);
    } while (System.currentTimeMillis() < deadline);
    throw new AssertionError("readiness never matched; last: " + last);
  }
}
