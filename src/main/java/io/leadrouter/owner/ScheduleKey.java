package io.leadrouter.owner;

import io.leadrouter.rotation.Member;
import java.util.List;

/**
 * Identifies the schedule a position belongs to (members and weights, in order): a position taken from the
 * replica is used only with the schedule it was recorded for.
 */
final class ScheduleKey {

  private ScheduleKey() {}

  static long of(List<Member> members) {
    long h = 0x9E3779B97F4A7C15L;
    for (Member m : members) {
      h = mix(h ^ m.userId());
      h = mix(h ^ m.weight());
    }
    return h;
  }

  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }
}
