package io.leadrouter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import io.leadrouter.owner.CommandSigner;
import io.leadrouter.owner.Partitioner;
import io.leadrouter.owner.RotationCodec;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.leadrouter.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The owner addresses take commands from members only: a service that joined the cluster as a lite member and
 * sends the internal command records (unsigned, signed with another secret, or as JSON) to a rotation's owner
 * is refused (403) and changes nothing; the same command signed with the cluster's secret is served.
 */
class TrustBoundaryTest {

  @Test
  void aClientSendingRawCommandsToAnOwnerIsRefusedAndChangesNothing() throws Exception {
    String pgUri = TestPostgres.freshDatabaseUri();
    List<Integer> ports = InJvmMember.freePorts(2);
    InJvmMember member = InJvmMember.start(pgUri, ports.get(0), List.of(ports.get(0)), "--cluster-quorum", "1");
    Vertx plain = Vertx.vertx();
    Vertx intruder = null;
    try {
      String token = TestApp.token(plain, "ops@example.com", "2311");
      Api api = new Api(plain, member.httpPort(), token, "2311");
      InJvmMember.awaitSettled(List.of(api), 1);
      long id = api.createRotation(new JsonObject().put("name", "guarded").put("members", new JsonArray()
          .add("a@example.com").add("b@example.com"))).await(10, TimeUnit.SECONDS).getLong("id");
      assertThat(api.get("/lead-rotations/" + id + "/next-user").await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

      // a service joined as a lite member, with the members' discovery settings but not their cluster-secret
      Config hz = ConfigUtil.loadConfig().setClusterName(HazelcastSetup.CLUSTER_NAME).setLiteMember(true);
      hz.setProperty("hazelcast.partition.count", "61");
      hz.setProperty("hazelcast.wait.seconds.before.join", "0");
      hz.getNetworkConfig().setPort(ports.get(1)).setPortAutoIncrement(false).getInterfaces().setEnabled(true)
          .addInterface("127.0.0.1");
      hz.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
      hz.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
      hz.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + ports.get(0));
      intruder = Vertx.builder().withClusterManager(new HazelcastClusterManager(hz)).buildClustered()
          .await(2, TimeUnit.MINUTES);

      int partition = member.node.partitioner().partitionOf(id);
      String nodeId = ((VertxInternal) member.node.vertx()).clusterManager().getNodeId();
      String ownerAddress = Partitioner.ownerAddress(nodeId, partition % 2);
      String partitionAddress = Partitioner.address(partition);
      Rotation.Delete delete = new Rotation.Delete("2311", id, "intruder");
      Rotation.Pick pick = new Rotation.Pick("2311", id, "intruder", null);

      intruder.eventBus().registerCodec(new RotationCodec()); // the service's own codec, unsigned
      for (String address : List.of(ownerAddress, partitionAddress)) {
        for (Rotation.Command c : List.of(delete, pick)) {
          ReplyException refused = refusal(send(intruder, address, c));
          assertThat(refused.failureCode()).as("%s to %s", c, address).isEqualTo(403);
          assertThat(refused.getMessage()).contains("not signed").contains("leadrouter.api");
        }
      }
      intruder.eventBus().unregisterCodec(RotationCodec.NAME);
      intruder.eventBus().registerCodec(new RotationCodec(CommandSigner.of("some-other-cluster-secret-0123456789abcdef")));
      ReplyException wrongKey = refusal(send(intruder, ownerAddress, delete));
      assertThat(wrongKey.failureCode()).isEqualTo(403);
      assertThat(wrongKey.getMessage()).contains("bad signature");
      ReplyException json = refusal(intruder.eventBus().request(ownerAddress,
          new JsonObject().put("t", "delete").put("account", "2311").put("id", id)));
      assertThat(json.failureCode()).isEqualTo(403);

      JsonObject after = api.get("/lead-rotations/" + id).await(10, TimeUnit.SECONDS).bodyAsJsonObject();
      assertThat(after.getString("status")).as("not deleted").isEqualTo("active");
      assertThat(after.getLong("sequence")).as("nothing picked").isEqualTo(1);

      // the same record signed with the members' secret is served: what refused them was the signature
      intruder.eventBus().unregisterCodec(RotationCodec.NAME);
      intruder.eventBus().registerCodec(new RotationCodec(CommandSigner.of(TestApp.CLUSTER_SECRET)));
      Object state = send(intruder, ownerAddress, new Rotation.Get("2311", id)).await(30, TimeUnit.SECONDS);
      assertThat(state).isInstanceOf(RotationState.class);
      assertThat(((RotationState) state).sequence()).isEqualTo(1);
    } finally {
      if (intruder != null) {
        intruder.close().await(1, TimeUnit.MINUTES);
      }
      member.stop();
      plain.close().await(10, TimeUnit.SECONDS);
      TestPostgres.dropDatabase(pgUri);
    }
  }

  private static Future<Object> send(Vertx from, String address, Object command) {
    return from.eventBus().request(address, command, new DeliveryOptions().setCodecName(RotationCodec.NAME)
        .setSendTimeout(20_000)).map(m -> m.body());
  }

  private static ReplyException refusal(Future<?> f) {
    try {
      f.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // checked below
    }
    assertThat(f.failed()).as("refused").isTrue();
    assertThat(f.cause()).isInstanceOf(ReplyException.class);
    ReplyException e = (ReplyException) f.cause();
    assertThat(e.failureType()).as("refused by the owner, not lost: %s", e).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    return e;
  }
}
