package io.leadrouter.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One measured target (next-user, a baseline, the ceiling): its phase, counters, latency recorder and the
 * picks seen. Drivers on several event loops report into it; the harness's main thread moves the phases and
 * reads progress once a second.
 *
 * <p>Only requests that complete while the phase is {@code MEASURE} count towards throughput and latency.
 * Every pick seen (warm-up and drain included) goes to the checks, so that they cover a contiguous run of
 * the target's sequence numbers.
 */
final class LoadRun {

  enum Phase { WARMUP, MEASURE, DRAIN }

  final String name;
  final boolean picks;
  volatile Phase phase = Phase.WARMUP;
  private final Recorder recorder = new Recorder(3);
  private final Histogram total = new Histogram(3);
  private final LongAdder measuredOk = new LongAdder();
  private final LongAdder measuredErrors = new LongAdder();
  private final LongAdder allOk = new LongAdder();
  private final LongAdder allErrors = new LongAdder();
  final AtomicLong inFlight = new AtomicLong();
  private final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
  private final List<PickLog> logs = new ArrayList<>();
  private long measureStart;
  private long measuredNanos;
  private int rounds;
  private final io.vertx.core.json.JsonArray loads = new io.vertx.core.json.JsonArray();

  LoadRun(String name, boolean picks) {
    this.name = name;
    this.picks = picks;
  }

  synchronized PickLog newLog() {
    PickLog log = new PickLog();
    logs.add(log);
    return log;
  }

  synchronized List<PickLog> logs() {
    return List.copyOf(logs);
  }

  /** Called by drivers; {@code intendedNanos} is when the request was due (open loop) or sent (closed loop). */
  void ok(long intendedNanos, long endNanos) {
    allOk.increment();
    if (phase == Phase.MEASURE) {
      measuredOk.increment();
      recorder.recordValue(Math.max(1, (endNanos - intendedNanos) / 1_000));
    }
  }

  void error(String kind) {
    allErrors.increment();
    if (phase == Phase.MEASURE) {
      measuredErrors.increment();
    }
    errorKinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  /** A new round: warm-up again (a round's drivers are new; counters and picks accumulate over rounds). */
  void rewarm() {
    phase = Phase.WARMUP;
  }

  /** Ends a warm-up-only pass (nothing measured, no round counted): the drivers stop sending. */
  void endWarmup() {
    phase = Phase.DRAIN;
  }

  void startMeasuring() {
    recorder.getIntervalHistogram(); // drop warm-up latencies
    measureStart = System.nanoTime();
    phase = Phase.MEASURE;
  }

  void stopMeasuring() {
    phase = Phase.DRAIN;
    measuredNanos += System.nanoTime() - measureStart;
    rounds++;
    total.add(recorder.getIntervalHistogram());
  }

  /** Progress since the last call: folds the interval into the total and returns it. */
  Histogram interval() {
    Histogram h = recorder.getIntervalHistogram();
    total.add(h);
    return h;
  }

  Histogram total() {
    return total;
  }

  long measuredOk() {
    return measuredOk.sum();
  }

  long errorsSoFar() {
    return allErrors.sum();
  }

  long okSoFar() {
    return allOk.sum();
  }

  double seconds() {
    return measuredNanos / 1e9;
  }

  /** The machine's load averages before and after one round (the machine is shared). */
  void load(String before, String after) {
    loads.add(new io.vertx.core.json.JsonObject().put("before", before).put("after", after));
  }

  JsonObject summary() {
    double secs = seconds();
    JsonObject errors = new JsonObject();
    errorKinds.forEach((k, v) -> errors.put(k, v.sum()));
    return new JsonObject()
        .put("throughput_rps", round(measuredOk.sum() / secs, 1))
        .put("measured_seconds", round(secs, 3))
        .put("rounds", rounds)
        .put("loadavg", loads)
        .put("requests_ok", measuredOk.sum())
        .put("requests_error", measuredErrors.sum())
        .put("requests_ok_all_phases", allOk.sum())
        .put("requests_error_all_phases", allErrors.sum())
        .put("errors_by_kind", errors)
        .put("latency_ms", latency(total));
  }

  static JsonObject latency(Histogram h) {
    if (h.getTotalCount() == 0) {
      return new JsonObject().put("count", 0);
    }
    return new JsonObject()
        .put("count", h.getTotalCount())
        .put("mean", round(h.getMean() / 1000.0, 3))
        .put("p50", ms(h.getValueAtPercentile(50)))
        .put("p90", ms(h.getValueAtPercentile(90)))
        .put("p99", ms(h.getValueAtPercentile(99)))
        .put("p99_9", ms(h.getValueAtPercentile(99.9)))
        .put("max", ms(h.getMaxValue()));
  }

  static double ms(long micros) {
    return round(micros / 1000.0, 3);
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  /** The picks one driver saw: sequence numbers and member indexes, single-writer (its event loop). */
  static final class PickLog {
    private long[] sequences = new long[1 << 14];
    private int[] members = new int[1 << 14];
    private int size;

    void add(long sequence, int member) {
      if (size == sequences.length) {
        sequences = java.util.Arrays.copyOf(sequences, size * 2);
        members = java.util.Arrays.copyOf(members, size * 2);
      }
      sequences[size] = sequence;
      members[size] = member;
      size++;
    }

    int size() {
      return size;
    }

    long sequence(int i) {
      return sequences[i];
    }

    int member(int i) {
      return members[i];
    }
  }

  static long parseDuration(String s) {
    String v = s.trim().toLowerCase();
    if (v.endsWith("ms")) {
      return Long.parseLong(v.substring(0, v.length() - 2));
    } else if (v.endsWith("s")) {
      return TimeUnit.SECONDS.toMillis(Long.parseLong(v.substring(0, v.length() - 1)));
    } else if (v.endsWith("m")) {
      return TimeUnit.MINUTES.toMillis(Long.parseLong(v.substring(0, v.length() - 1)));
    }
    return TimeUnit.SECONDS.toMillis(Long.parseLong(v));
  }
}
