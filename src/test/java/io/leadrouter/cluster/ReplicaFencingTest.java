package io.leadrouter.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.leadrouter.config.Config;
import io.leadrouter.owner.Replica;
import io.leadrouter.testing.TestApp;
import io.leadrouter.owner.ReplicaException;
import io.leadrouter.rotation.Ledger;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.SkipReason;
import io.leadrouter.store.Assignment;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The replica's epoch fencing and sequence check, on a real (one-member) Hazelcast map. */
class ReplicaFencingTest {

  private static HazelcastInstance hazelcast;
  private static Vertx vertx;
  private static Replica replica;

  @BeforeAll
  static void start() throws Exception {
    int port = InJvmMember.freePorts(1).get(0);
    Config settings = Config.load(Map.of(), List.of("--cluster", "--cluster-secret", TestApp.CLUSTER_SECRET, "--jwt-secret", TestApp.SECRET, "--pg-uri", "postgresql://unused@localhost/x",
        "--cluster-port", String.valueOf(port), "--cluster-members", "127.0.0.1:" + port, "--cluster-quorum", "1",
        "--partitions", "7"));
    hazelcast = Hazelcast.newHazelcastInstance(HazelcastSetup.build(settings));
    vertx = Vertx.vertx();
    replica = new HazelcastReplica(vertx, hazelcast, new HazelcastPartitioner(hazelcast.getPartitionService(), 7), 1, 5_000);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    hazelcast.shutdown();
  }

  private static List<Assignment> picks(long rotation, long from, long to) {
    // every other pick passed someone over and repaid a turn; every third came from another rotation's fallback
    return LongStream.rangeClosed(from, to).mapToObj(s -> new Assignment(rotation, "2311", s, 10 + s % 3,
        "u" + s + "@example.com", (int) (s % 5), Instant.ofEpochSecond(1_700_000_000L, 123_456_789), "r" + s, "n1",
        s % 2 == 0 ? List.of(new Rotation.Skip(20 + s, SkipReason.AWAY), new Rotation.Skip(30, SkipReason.CAP_DAY))
            : List.of(), s % 2 == 0, s % 3 == 0 ? 500L + s : null))
        .toList();
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.await(10, TimeUnit.SECONDS);
  }

  @Test
  void aNewOwnerFencesTheOldOneAndTakesOverItsUnstoredPicks() throws Exception {
    Replica.Claim first = await(replica.claim(1L));
    assertThat(first.seeded()).isFalse();
    Ledger ledger = new Ledger(Instant.parse("2026-03-02T09:00:00Z"), LocalDate.parse("2026-03-02"),
        LocalDate.parse("2026-03-02"), Map.of(11L, new Ledger.Counts(2, 5, 9)), Map.of(12L, 3), true);
    await(replica.append(1L, first.epoch(), 40, 43, 3, ledger, 99L, picks(1L, 41, 43)));

    Replica.Claim second = await(replica.claim(1L));
    assertThat(second.epoch()).isGreaterThan(first.epoch());
    assertThat(second.seeded()).isTrue();
    assertThat(second.sequence()).isEqualTo(43);
    assertThat(second.position()).isEqualTo(3);
    assertThat(second.scheduleKey()).isEqualTo(99L);
    assertThat(second.ledger()).isEqualTo(ledger); // cap counts and owed turns survive the owner
    assertThat(second.pending()).isEqualTo(picks(1L, 41, 43));
    assertThat(await(replica.unstored(Set.of(0, 1, 2, 3, 4, 5, 6)))).contains(1L);

    assertThatThrownBy(() -> await(replica.append(1L, first.epoch(), 43, 44, 4, Ledger.EMPTY, 99L, picks(1L, 44, 44))))
        .isInstanceOfSatisfying(ReplicaException.class, e -> assertThat(e.kind()).isEqualTo(ReplicaException.Kind.FENCED));
    await(replica.append(1L, second.epoch(), 43, 44, 4, Ledger.EMPTY, 99L, picks(1L, 44, 44)));
    assertThat(await(replica.claim(1L)).sequence()).isEqualTo(44);
  }

  @Test
  void anAppendMustContinueFromTheReplicatedSequence() throws Exception {
    Replica.Claim c = await(replica.claim(2L));
    await(replica.append(2L, c.epoch(), 0, 2, 2, Ledger.EMPTY, 7L, picks(2L, 1, 2)));
    assertThatThrownBy(() -> await(replica.append(2L, c.epoch(), 1, 3, 3, Ledger.EMPTY, 7L, picks(2L, 2, 3))))
        .isInstanceOfSatisfying(ReplicaException.class, e -> assertThat(e.kind()).isEqualTo(ReplicaException.Kind.FENCED));
    await(replica.append(2L, c.epoch(), 2, 3, 3, Ledger.EMPTY, 7L, picks(2L, 3, 3)));
  }

  @Test
  void storedPicksAreTrimmedAndAForgottenRotationStartsUnseeded() throws Exception {
    Replica.Claim c = await(replica.claim(3L));
    await(replica.append(3L, c.epoch(), 0, 5, 0, Ledger.EMPTY, 7L, picks(3L, 1, 5)));
    await(replica.trim(3L, c.epoch(), 3));
    Replica.Claim again = await(replica.claim(3L));
    assertThat(again.pending()).extracting(Assignment::sequence).containsExactly(4L, 5L);

    await(replica.forget(3L, c.epoch())); // stale: ignored
    assertThat(await(replica.claim(3L)).seeded()).isTrue();
    Replica.Claim latest = await(replica.claim(3L));
    await(replica.forget(3L, latest.epoch()));
    assertThat(await(replica.claim(3L)).seeded()).isFalse();
  }
}
