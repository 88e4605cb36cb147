package io.leadrouter.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IndeterminateOperationStateException;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.leadrouter.config.Config;
import io.leadrouter.testing.TestApp;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two members with the service's Hazelcast configuration, one of them stalled (its only partition thread busy)
 * past the backup timeout: a write that needs its backup's acknowledgement fails, as a pick's replica write
 * must; Vert.x's own maps (node infos, event-bus subscriptions) still take the write. Before their backups were
 * made asynchronous, a member joining a loaded cluster could fail its start on {@code __vertx.nodeInfo}.
 */
class StalledBackupTest {

  @Test
  void aStalledBackupFailsReplicaWritesButNotVertxsOwnMaps() throws Exception {
    List<Integer> ports = InJvmMember.freePorts(2);
    HazelcastInstance a = Hazelcast.newHazelcastInstance(config(ports.get(0), ports));
    HazelcastInstance b = null;
    try {
      b = Hazelcast.newHazelcastInstance(config(ports.get(1), ports));
      awaitSafe(a, b);
      String onA = keyOwnedBy(a, a);
      String onB = keyOwnedBy(b, b);

      // B's one partition thread sleeps; every backup A sends meanwhile waits behind it
      CompletionStage<Object> stall = b.getMap("stall").submitToKey(onB, new Sleep(4_000));
      try {
        IMap<Object, Object> replica = a.getMap(HazelcastReplica.MAP);
        assertThatThrownBy(() -> replica.put(onA, "pick"))
            .as("a replica write whose backup did not confirm is not acknowledged")
            .isInstanceOf(IndeterminateOperationStateException.class);
        a.getMap("__vertx.nodeInfo").put(onA, "node info");
        a.getMultiMap("__vertx.subs").put(onA, "subscription");
        assertThat(a.getMap("__vertx.nodeInfo").get(onA)).isEqualTo("node info");
        assertThat(a.getMultiMap("__vertx.subs").get(onA)).containsExactly("subscription");
      } finally {
        stall.toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    } finally {
      if (b != null) {
        b.shutdown();
      }
      a.shutdown();
    }
  }

  private static com.hazelcast.config.Config config(int port, List<Integer> ports) {
    Config settings = Config.load(Map.of(), List.of("--cluster", "--cluster-secret", TestApp.CLUSTER_SECRET,
        "--jwt-secret", TestApp.SECRET, "--pg-uri", "postgresql://lr@db:5432/lr", "--partitions", "11",
        "--cluster-port", String.valueOf(port),
        "--cluster-members", "127.0.0.1:" + ports.get(0) + ",127.0.0.1:" + ports.get(1)));
    com.hazelcast.config.Config hz = HazelcastSetup.build(settings);
    hz.setInstanceName("stalled-backup-" + port);
    // one partition thread, so one sleeping operation holds back every backup; a short backup timeout
    hz.setProperty("hazelcast.operation.thread.count", "1");
    hz.setProperty("hazelcast.operation.backup.timeout.millis", "1000");
    return hz;
  }

  private static void awaitSafe(HazelcastInstance... members) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    for (HazelcastInstance m : members) {
      while (!(m.getCluster().getMembers().size() == members.length && m.getPartitionService().isClusterSafe())
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertThat(m.getPartitionService().isClusterSafe()).as("cluster safe within a minute").isTrue();
    }
  }

  private static String keyOwnedBy(HazelcastInstance asker, HazelcastInstance owner) {
    while (true) {
      String key = UUID.randomUUID().toString();
      if (asker.getPartitionService().getPartition(key).getOwner().equals(owner.getCluster().getLocalMember())) {
        return key;
      }
    }
  }

  /** Holds the partition thread it runs on. */
  private static final class Sleep implements EntryProcessor<Object, Object, Object> {
    private final long millis;

    Sleep(long millis) {
      this.millis = millis;
    }

    @Override
    public Object process(Entry<Object, Object> entry) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }

    @Override
    public EntryProcessor<Object, Object, Object> getBackupProcessor() {
      return null;
    }
  }
}
