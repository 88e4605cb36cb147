package io.leadrouter.bench;

import io.leadrouter.rotation.Schedule;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;

/**
 * The correctness checks of a run, over every pick the harness saw:
 * <ul>
 *   <li>no {@code sequence} twice (a duplicate is a pick handed out twice);
 *   <li>the sequences form one contiguous range (a gap is a pick the server made but the client did not
 *       see, e.g. after a timeout; reported, not fatal when the run had errors);
 *   <li>exact order: pick number {@code s} went to the member at schedule slot
 *       {@code (startPosition + s - startSequence - 1) mod length}, the smooth weighted round robin sequence;
 *   <li>weights: member {@code m} got {@code n * w_m / length} picks within one cycle's tolerance, {@code w_m}.
 * </ul>
 */
final class PickCheck {

  /** A member of the rotation under test, in rotation order. */
  record Member(long userId, String email, String name, int weight) {}

  private PickCheck() {}

  static JsonObject evaluate(List<Member> members, int startPosition, long startSequence,
      List<LoadRun.PickLog> logs) {
    int[] weights = members.stream().mapToInt(Member::weight).toArray();
    Schedule schedule = Schedule.of(weights);
    int length = schedule.length();
    int n = 0;
    for (LoadRun.PickLog l : logs) {
      n += l.size();
    }
    long[] seqs = new long[n];
    long[] counts = new long[members.size()];
    long unknownMembers = 0;
    long orderMismatches = 0;
    JsonArray firstMismatches = new JsonArray();
    int k = 0;
    for (LoadRun.PickLog l : logs) {
      for (int i = 0; i < l.size(); i++) {
        long s = l.sequence(i);
        int m = l.member(i);
        seqs[k++] = s;
        if (m < 0) {
          unknownMembers++;
          continue;
        }
        counts[m]++;
        int slot = (int) Math.floorMod(startPosition + (s - startSequence - 1), (long) length);
        int expected = schedule.memberAt(slot);
        if (expected != m) {
          orderMismatches++;
          if (firstMismatches.size() < 5) {
            firstMismatches.add(new JsonObject().put("sequence", s).put("got", members.get(m).email())
                .put("expected", members.get(expected).email()));
          }
        }
      }
    }
    Arrays.sort(seqs);
    long duplicates = 0;
    for (int i = 1; i < n; i++) {
      if (seqs[i] == seqs[i - 1]) {
        duplicates++;
      }
    }
    long distinct = n - duplicates;
    long min = n == 0 ? 0 : seqs[0];
    long max = n == 0 ? 0 : seqs[n - 1];
    long gaps = n == 0 ? 0 : (max - min + 1) - distinct;

    boolean weightsOk = n > 0;
    double worst = 0;
    JsonArray perUser = new JsonArray();
    long counted = n - unknownMembers;
    for (int m = 0; m < members.size(); m++) {
      double expected = (double) counted * weights[m] / length;
      double deviation = counts[m] - expected;
      boolean ok = Math.abs(deviation) <= weights[m] + 1e-9;
      weightsOk &= ok;
      worst = Math.max(worst, Math.abs(deviation) / weights[m]);
      perUser.add(new JsonObject().put("email", members.get(m).email()).put("weight", weights[m])
          .put("count", counts[m]).put("expected", LoadRun.round(expected, 2))
          .put("deviation", LoadRun.round(deviation, 2)).put("within_tolerance", ok));
    }
    boolean ok = n > 0 && duplicates == 0 && orderMismatches == 0 && unknownMembers == 0 && weightsOk;
    return new JsonObject()
        .put("ok", ok)
        .put("picks_seen", n)
        .put("sequence_min", min)
        .put("sequence_max", max)
        .put("duplicate_sequences", duplicates)
        .put("gaps", gaps)
        .put("contiguous", gaps == 0)
        .put("order_mismatches", orderMismatches)
        .put("first_order_mismatches", firstMismatches)
        .put("unknown_members", unknownMembers)
        .put("schedule_length", length)
        .put("weights_ok", weightsOk)
        .put("weights_tolerance", "|count - n*w/L| <= w (one cycle)")
        .put("worst_deviation_in_weights", LoadRun.round(worst, 3))
        .put("per_user", perUser);
  }

  static String oneLine(JsonObject c) {
    if (c == null) {
      return "-";
    }
    if (c.getBoolean("ok")) {
      return "ok: " + c.getLong("picks_seen") + " picks, sequences unique" + (c.getBoolean("contiguous") ? " and contiguous" : (", " + c.getLong("gaps") + " gaps"))
          + ", order exact, weights within 1 cycle";
    }
    return "FAILED: " + c.getLong("picks_seen") + " picks, " + c.getLong("duplicate_sequences") + " duplicate sequences, "
        + c.getLong("gaps") + " gaps, " + c.getLong("order_mismatches") + " order mismatches, "
        + c.getLong("unknown_members") + " unknown members, weights " + (c.getBoolean("weights_ok") ? "ok" : "OFF");
  }
}
