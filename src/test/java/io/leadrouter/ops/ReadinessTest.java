package io.leadrouter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A member waits for the cluster to be safe once after its start; later migrations leave it ready. */
class ReadinessTest {

  private static JsonObject health(boolean quorum, boolean safe) {
    return new JsonObject().put("quorumPresent", quorum).put("clusterSafe", safe);
  }

  @Test
  void notReadyUntilTheClusterWasSeenSafeThenOnlyTheQuorumCounts() {
    Readiness r = new Readiness(null, List.of(), null);
    JsonObject migrating = health(true, false);
    assertThat(r.clusterReady(migrating)).isFalse();
    assertThat(migrating.getBoolean("seenSafeSinceStart")).isFalse();
    assertThat(r.clusterReady(health(true, true))).isTrue();
    // a migration after that (another member left or joined) is reported but does not take this one out
    JsonObject later = health(true, false);
    assertThat(r.clusterReady(later)).isTrue();
    assertThat(later.getBoolean("seenSafeSinceStart")).isTrue();
    assertThat(r.clusterReady(health(false, true))).isFalse();
    // a member that never saw the cluster safe is not ready even with the quorum
    assertThat(new Readiness(null, List.of(), null).clusterReady(health(true, false))).isFalse();
  }
}
