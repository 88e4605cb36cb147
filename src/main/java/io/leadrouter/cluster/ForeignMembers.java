package io.leadrouter.cluster;

import com.hazelcast.cluster.Member;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hazelcast members that are not Lead Router members (no {@link HazelcastSetup#MEMBER_ATTRIBUTE}) yet own
 * partitions: typically a service that joined with the members' settings as a full member instead of a lite
 * member. It hosts no owners, so the rotations of its partitions cannot be picked (their commands find no
 * owner and answer 503 after the request timeout). Each such member is logged once per appearance (a WARN
 * naming its address and uuid, when it is first seen owning partitions) and listed in {@code /health/ready}
 * with the partitions it holds, and this member reports itself not ready while any exists.
 *
 * <p>Fed by the {@link PartitionWatcher}'s reads of the partition table, on its thread.
 */
final class ForeignMembers {

  private static final Logger LOG = LoggerFactory.getLogger(ForeignMembers.class);

  /** A foreign member and the partitions it owns. */
  record Foreign(UUID uuid, String address, List<Integer> partitions) {

    JsonObject json() {
      return new JsonObject().put("uuid", uuid.toString()).put("address", address)
          .put("partitions", new JsonArray(new ArrayList<>(partitions)));
    }
  }

  private volatile List<Foreign> current = List.of();
  /** The foreign member owning each partition (null: none), as last read. */
  private volatile Foreign[] byPartition = new Foreign[0];
  /** Members already warned about, for as long as they stay in the cluster. */
  private final Set<UUID> warned = new HashSet<>();

  /**
   * Whether {@code member} is a Lead Router member: it carries the mark, or (a member of a version from before
   * the mark, met during a rolling upgrade) says how many owners it runs.
   */
  static boolean marked(Member member) {
    return "true".equals(member.getAttribute(HazelcastSetup.MEMBER_ATTRIBUTE))
        || member.getAttribute(HazelcastSetup.OWNERS_ATTRIBUTE) != null;
  }

  /** One read of the partition table: {@code owners[p]} owns partition {@code p} (null: none); {@code present}: the members now. */
  synchronized void update(Member[] owners, Set<UUID> present) {
    Map<UUID, Foreign> found = new TreeMap<>();
    for (int p = 0; p < owners.length; p++) {
      Member m = owners[p];
      if (m != null && !m.isLiteMember() && !marked(m)) {
        found.computeIfAbsent(m.getUuid(), u -> new Foreign(u, String.valueOf(m.getAddress()), new ArrayList<>()))
            .partitions().add(p);
      }
    }
    warned.retainAll(present); // one that left and comes back is warned about again
    for (Foreign f : found.values()) {
      if (warned.add(f.uuid())) {
        LOG.warn("cluster: member {} (uuid {}) is not a Lead Router member but owns {} partitions {}: the rotations "
            + "of those partitions cannot be picked while it holds them (503). A service calling Lead Router must join "
            + "as a Hazelcast lite member (the lead-router-client does); this member reports itself not ready",
            f.address(), f.uuid(), f.partitions().size(), f.partitions());
      }
    }
    current = List.copyOf(found.values());
    Foreign[] owning = new Foreign[owners.length];
    for (Foreign f : current) {
      f.partitions().forEach(p -> owning[p] = f);
    }
    byPartition = owning;
  }

  /** The foreign member owning {@code partition}, or null. */
  Foreign owning(int partition) {
    Foreign[] now = byPartition;
    return partition < now.length ? now[partition] : null;
  }

  List<Foreign> current() {
    return current;
  }

  JsonArray json() {
    JsonArray a = new JsonArray();
    current.forEach(f -> a.add(f.json()));
    return a;
  }
}
