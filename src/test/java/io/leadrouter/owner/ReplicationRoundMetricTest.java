package io.leadrouter.owner;

import static io.leadrouter.owner.OwnerFixture.pick;
import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.owner.OwnerFixture.Sent;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code leadrouter_replication_round_seconds}: one observation per group-commit round, by outcome, from the
 * round's append to the replica's answer. Plain JUnit over the fake replica (no timings asserted).
 */
class ReplicationRoundMetricTest {

  @Test
  void everyRoundIsTimedByOutcome() {
    try (OwnerFixture f = new OwnerFixture(true, 1000, 1000)) {
      long id = f.createRotation();
      List<Sent> picks = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        picks.add(f.send(pick(id)));
      }
      f.settle();
      picks.forEach(Sent::ok);
      assertThat(f.replica.appends).isPositive();
      assertThat(f.metrics.replicationRounds().acknowledged().count()).isEqualTo(f.replica.appends);
      assertThat(f.metrics.replicationRounds().failed().count()).isZero();

      f.replica.failAppends = new ReplicaException(ReplicaException.Kind.UNAVAILABLE, "backup silent (test)");
      Sent refused = f.send(pick(id));
      f.settle();
      assertThat(refused.failure()).isEqualTo(503);
      assertThat(f.metrics.replicationRounds().failed().count()).isEqualTo(1);

      String scrape = ((PrometheusMeterRegistry) f.metrics.registry()).scrape();
      assertThat(scrape).contains("leadrouter_replication_round_seconds_bucket{outcome=\"acknowledged\",le=")
          .contains("leadrouter_replication_round_seconds_count{outcome=\"failed\"} 1");
    }
  }

  @Test
  void aSingleNodeExportsNoReplicationRounds() {
    try (OwnerFixture f = new OwnerFixture(false, 1000, 1000)) {
      long id = f.createRotation();
      Sent picked = f.send(pick(id));
      f.settle();
      picked.ok();
      assertThat(((PrometheusMeterRegistry) f.metrics.registry()).scrape()).doesNotContain("leadrouter_replication");
    }
  }
}
