package io.leadrouter.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The parts of {@link Report} that gather issue 14's targets from runs other than the HTTP harness: the JMH
 * event-bus ratio at fixed parameters and the batch picks (target 6), the cluster run (target 7), the client
 * run (bus vs HTTP), the JVM flags (target 4), and the comparison of a quick run with the last full run.
 */
final class IssueTargets {

  /** The JMH parameters the event-bus ratio and the batch ratios are taken at. */
  static final String PLACEMENT = "cross-thread";
  static final String IN_FLIGHT = "128";
  /** A quick run's ratio is comparable with the full run's when within this fraction of it. */
  static final double COMPARABLE = 0.20;

  private IssueTargets() {}

  /** Target 6: pick / echo at cross-thread, inFlight=128; batch picks/s (score x count) against the single pick. */
  static void jmh(JsonArray rows, JsonObject headline, JsonObject ratios, JsonObject targets) {
    Double pick = null;
    Double echo = null;
    Double batch10 = null;
    Double batch100 = null;
    for (int i = 0; i < rows.size(); i++) {
      JsonObject b = rows.getJsonObject(i);
      JsonObject p = b.getJsonObject("params");
      Double s = b.getDouble("score");
      boolean atParams = PLACEMENT.equals(p.getString("placement")) && IN_FLIGHT.equals(p.getString("inFlight"));
      switch (b.getString("benchmark")) {
        case "EventBusRoundTripBenchmark.pick" -> pick = atParams ? s : pick;
        case "EventBusRoundTripBenchmark.baselineEcho" -> echo = atParams ? s : echo;
        case "BatchPickBenchmark.batch" -> {
          if (s == null) {
            continue;
          } else if ("10".equals(p.getString("count"))) {
            batch10 = s * 10;
          } else if ("100".equals(p.getString("count"))) {
            batch100 = s * 100;
          }
        }
        default -> { }
      }
    }
    String noJmh = rows.isEmpty() ? "JMH not run" : "benchmark not in this JMH run";
    ratios.put("jmh_eventbus_pick_vs_echo", ratio(pick, echo));
    targets.put("jmh_eventbus_pick_vs_echo", Targets.atLeast("RotationService.pick / bare echo consumer over the "
        + "local event bus (JMH EventBusRoundTripBenchmark, " + PLACEMENT + ", inFlight=" + IN_FLIGHT + ")", 0.9,
        ratios.getDouble("jmh_eventbus_pick_vs_echo"), "x", noJmh));
    headline.put("jmh_pick_cross_thread_128_ops_s", pick).put("jmh_echo_cross_thread_128_ops_s", echo)
        .put("jmh_batch10_picks_per_s", batch10).put("jmh_batch100_picks_per_s", batch100);
    ratios.put("jmh_batch10_vs_single", ratio(batch10, pick)).put("jmh_batch100_vs_single", ratio(batch100, pick));
    Double best = batch10 == null ? batch100 : batch100 == null ? batch10 : Math.max(batch10, batch100);
    targets.put("eventbus_batch_picks_per_s", Targets.atLeast("picks/s in batches (BatchPick, best of count 10 and "
        + "100; JMH BatchPickBenchmark): the event-bus target with several picks per request", 1_000_000, best,
        " picks/s", noJmh));
  }

  /** Target 7: the cluster run's ratios and targets ({@code ClusterForwarding --json}). */
  static void cluster(JsonObject cluster, JsonObject ratios, JsonObject targets, JsonArray missing) {
    if (cluster == null) {
      String why = "cluster run missing (ClusterForwarding --json)";
      targets.put("replicated_vs_single_node", Targets.atLeast("cluster: replicated owner / single node", 0.5, null,
          "x", why));
      targets.put("non_owner_p99_vs_owner_p99", Targets.atMost("cluster: p99 via a non-owner / via the owner", 2.0,
          null, "x", why));
      missing.add("cluster-result");
      return;
    }
    ratios.mergeIn(cluster.getJsonObject("ratios", new JsonObject()));
    targets.mergeIn(cluster.getJsonObject("targets", new JsonObject()));
  }

  /** Issue 16's client run: picks/s over the bus / over HTTP ({@code ClientThroughput --json}). */
  static void client(JsonObject client, JsonObject ratios, JsonObject targets) {
    Double r = client == null ? null : client.getJsonObject("ratios", new JsonObject()).getDouble("eventbus_vs_http");
    ratios.put("client_bus_vs_http", r);
    targets.put("client_bus_vs_http", Targets.atLeast("lead-router-client picks/s over the event bus / over HTTP "
        + "(ClientThroughput, separate JVMs, keyed calls)", 2.0, r, "x", client == null ? "client run missing" : null));
  }

  /**
   * Each ratio of this (quick) run against the same ratio of the full run in {@code full}: within 20 % of it, or
   * not comparable (by how much); the verdict covers every ratio both runs have.
   */
  static JsonObject quickVsFull(JsonObject ratios, JsonObject full) {
    JsonObject out = new JsonObject();
    if (full == null) {
      return out.put("verdict", "NO FULL RUN TO COMPARE WITH (results/full.json missing): not comparable");
    }
    String date = full.getString("date", "?");
    JsonObject fullRatios = full.getJsonObject("ratios", new JsonObject());
    JsonObject each = new JsonObject();
    int compared = 0;
    int off = 0;
    for (Map.Entry<String, Object> e : ratios) {
      Object f = fullRatios.getValue(e.getKey());
      if (!(e.getValue() instanceof Number q) || !(f instanceof Number fr) || fr.doubleValue() == 0) {
        each.put(e.getKey(), new JsonObject().put("quick", e.getValue()).put("full", f)
            .put("verdict", "no figure in " + (e.getValue() instanceof Number ? "the full run" : "this run")));
        continue;
      }
      double pct = 100.0 * (q.doubleValue() - fr.doubleValue()) / fr.doubleValue();
      boolean ok = Math.abs(pct) <= COMPARABLE * 100;
      compared++;
      off += ok ? 0 : 1;
      each.put(e.getKey(), new JsonObject().put("quick", q).put("full", fr).put("off_pct", LoadRun.round(pct, 1))
          .put("comparable", ok).put("verdict", ok ? "within 20 % of the full run of " + date
              : String.format("NOT COMPARABLE (%+.0f%% off)", pct)));
    }
    String verdict = compared == 0 ? "NOT COMPARABLE: no ratio in common with the full run of " + date
        : off == 0 ? "COMPARABLE: all " + compared + " ratios within 20 % of the full run of " + date
        : "NOT COMPARABLE: " + off + " of " + compared + " ratios more than 20 % off the full run of " + date;
    return out.put("reference", "results/full.json").put("reference_date", date).put("compared", compared)
        .put("not_comparable", off).put("verdict", verdict).put("ratios", each);
  }

  /** The text sections for these parts (after the JMH table). */
  static String text(JsonObject report) {
    StringBuilder b = new StringBuilder();
    JsonObject h = report.getJsonObject("headline", new JsonObject());
    JsonObject r = report.getJsonObject("ratios", new JsonObject());
    b.append("\nBatch picks (JMH BatchPickBenchmark, ").append(PLACEMENT).append("; single = EventBusRoundTrip.pick at ")
        .append(PLACEMENT).append(", inFlight=").append(IN_FLIGHT).append(")\n");
    b.append(String.format("  single pick             %18s picks/s%n", Report.num(h.getDouble("jmh_pick_cross_thread_128_ops_s"))));
    for (String n : new String[] {"10", "100"}) {
      b.append(String.format("  batches of %-3s          %18s picks/s  (%s the single pick)%n", n,
          Report.num(h.getDouble("jmh_batch" + n + "_picks_per_s")), x(r.getValue("jmh_batch" + n + "_vs_single"))));
    }
    JsonObject cluster = report.getJsonObject("cluster");
    b.append("\nCluster (ClusterForwarding, in process)\n");
    if (cluster == null) {
      b.append("  NOT MEASURED\n");
    } else {
      cluster.getJsonObject("results", new JsonObject()).forEach(e -> {
        JsonObject c = (JsonObject) e.getValue();
        b.append(String.format("  %-26s %12s picks/s  p50 %s ms  p99 %s ms%n", e.getKey(),
            Report.num(c.getDouble("picks_per_s")), c.getValue("p50_ms"), c.getValue("p99_ms")));
      });
    }
    JsonObject client = report.getJsonObject("client");
    b.append("\nClient (ClientThroughput: lead-router-client, bus vs HTTP, keyed calls)\n");
    if (client == null) {
      b.append("  NOT MEASURED\n");
    } else {
      client.getJsonObject("results", new JsonObject()).forEach(e -> {
        JsonObject c = (JsonObject) e.getValue();
        b.append(String.format("  %-10s %12s picks/s  p99 %s ms  failed %s%n", e.getKey(),
            Report.num(c.getDouble("picks_per_s")), c.getJsonObject("latency_ms").getValue("p99"), c.getValue("failed")));
      });
    }
    b.append("\nDurable ack (both on the Postgres store, fresh databases, same interleaved rounds)\n");
    b.append(String.format("  ack=commit %s req/s / ack=memory %s req/s: %s (kill -9 under load with ack=commit "
            + "loses no acknowledged pick: CommitAckCrashTest)%n", Report.num(h.getDouble("next_user_pg_commit_rps")),
        Report.num(h.getDouble("next_user_pg_store_rps")), x(r.getValue("ack_commit_vs_memory"))));
    JsonArray jvm = report.getJsonArray("jvm");
    if (jvm != null) {
      b.append("\nJVM of the services (flags as the JVM resolves them)\n");
      jvm.forEach(l -> b.append("  ").append(l).append('\n'));
    }
    JsonObject q = report.getJsonObject("quick_vs_full");
    if (q != null) {
      b.append("\nQuick run against the full run (").append(q.getString("reference", "-")).append(")\n");
      q.getJsonObject("ratios", new JsonObject()).forEach(e -> {
        JsonObject c = (JsonObject) e.getValue();
        b.append(String.format("  %-34s quick %-9s full %-9s %s%n", e.getKey(), x(c.getValue("quick")),
            x(c.getValue("full")), c.getString("verdict")));
      });
      b.append("  ").append(q.getString("verdict")).append('\n');
    }
    return b.toString();
  }

  private static String x(Object v) {
    return v == null ? "n/a" : v + "x";
  }

  private static Double ratio(Double a, Double b) {
    return a == null || b == null || b == 0 ? null : LoadRun.round(a / b, 3);
  }
}
