package io.leadrouter.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges one full run (HTTP harness with baselines, the Postgres-store run, the event-bus harness, JMH, the
 * machine description, the JFR summary) into {@code results/latest.json} and {@code results/latest.txt}: every
 * figure, the ratios, and every target with its measured value, whether it is met and the shortfall.
 *
 * <p>Usage (benchmarks/run.sh calls it): {@code java -cp benchmarks.jar io.leadrouter.bench.Report --http F
 * [--pgstore F] [--eventbus F] [--jmh F[,F...]] [--machine F] [--jfr F] [--date D] [--mode full|quick]
 * [--cluster F] [--scale F] [--warmup F] [--client F] [--jvm F] [--full F] --out-json F --out-txt F}; {@code --full}: the last full
 * run's JSON, which a quick run's ratios are compared with (see {@link IssueTargets}).
 */
public final class Report {

  private Report() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    JsonObject http = json(o.get("http"));
    JsonObject pgstore = json(o.get("pgstore"));
    JsonObject bus = json(o.get("eventbus"));
    JsonArray jmh = new JsonArray();
    for (String f : o.getOrDefault("jmh", "").split(",")) {
      if (!f.isBlank() && Files.exists(Path.of(f)) && Files.size(Path.of(f)) > 0) {
        new JsonArray(Files.readString(Path.of(f))).forEach(jmh::add);
      }
    }
    String machine = text(o.get("machine"));
    String jfr = text(o.get("jfr"));
    JsonObject cluster = json(o.get("cluster"));
    JsonObject client = json(o.get("client"));
    String jvm = text(o.get("jvm"));

    JsonObject report = new JsonObject()
        .put("date", o.getOrDefault("date", java.time.LocalDate.now().toString()))
        .put("mode", o.getOrDefault("mode", "full"))
        .put("machine", machine == null ? null : new JsonArray(List.of(machine.split("\n"))));
    JsonArray missing = new JsonArray();
    JsonObject ratios = new JsonObject();
    JsonObject targets = new JsonObject();
    JsonObject headline = new JsonObject();

    if (http != null) {
      report.put("http", http);
      http.getJsonArray("missing", new JsonArray()).forEach(m -> add(missing, m));
      ratios.mergeIn(http.getJsonObject("ratios", new JsonObject()));
      targets.mergeIn(http.getJsonObject("targets", new JsonObject()));
      JsonObject r = http.getJsonObject("results", new JsonObject());
      for (String t : List.of(LoadHarness.NEXT_USER, LoadHarness.NEXT_USER_PG_COMMIT, LoadHarness.CEILING, LoadHarness.BARE, LoadHarness.PG_ROW_LOCK,
          LoadHarness.PG_RETURNING, LoadHarness.REDIS_LUA)) {
        JsonObject x = r.getJsonObject(t);
        headline.put(t.replace('-', '_') + "_rps", x == null ? null : x.getDouble("throughput_rps"));
      }
      JsonObject next = r.getJsonObject(LoadHarness.NEXT_USER);
      if (next != null) {
        headline.put("next_user_p99_ms", next.getJsonObject("latency_ms").getDouble("p99"));
        JsonObject bare = r.getJsonObject(LoadHarness.BARE);
        headline.put("bare_vertx_p99_ms", bare == null ? null : bare.getJsonObject("latency_ms").getDouble("p99"));
        headline.put("next_user_checks_ok", next.getJsonObject("checks").getBoolean("ok"));
      }
    } else {
      add(missing, "http-harness-result");
    }

    // the Postgres-store service: a target of the HTTP run (interleaved with the memory store), else a status file
    JsonObject store = new JsonObject();
    JsonObject pgResult = http == null ? null
        : http.getJsonObject("results", new JsonObject()).getJsonObject(LoadHarness.NEXT_USER_PG_STORE);
    if (pgResult == null && pgstore != null && "LoadHarness".equals(pgstore.getString("tool"))) {
      pgResult = pgstore.getJsonObject("results").getJsonObject(LoadHarness.NEXT_USER);
    }
    if (pgResult != null) {
      Double pg = pgResult.getDouble("throughput_rps");
      Double mem = headline.getDouble("next_user_rps");
      store.put("status", "measured").put("next_user_rps", pg)
          .put("next_user_p99_ms", pgResult.getJsonObject("latency_ms").getDouble("p99"))
          .put("checks_ok", pgResult.getJsonObject("checks").getBoolean("ok"))
          .put("vs_memory_store", pg == null || mem == null ? null : LoadRun.round(pg / mem, 3));
      ratios.put("pg_store_vs_memory_store", store.getValue("vs_memory_store"));
      headline.put("next_user_pg_store_rps", pg);
      headline.put("next_user_pg_store_p99_ms", store.getValue("next_user_p99_ms"));
    } else {
      store.put("status", pgstore == null ? "not run" : pgstore.getString("status", "unavailable"))
          .put("reason", pgstore == null ? "no result" : pgstore.getString("reason"));
      add(missing, "pg-store");
    }
    report.put("pg_store", store);

    if (bus != null) {
      report.put("eventbus_harness", bus);
      JsonObject r = bus.getJsonObject("results", new JsonObject());
      JsonObject x = r.getJsonObject(LoadHarness.BUS_NEXT_USER);
      headline.put("eventbus_api_rps", x == null ? null : x.getDouble("throughput_rps"));
      headline.put("eventbus_api_p99_ms", x == null ? null : x.getJsonObject("latency_ms").getDouble("p99"));
      ratios.put("eventbus_api_vs_echo", bus.getJsonObject("ratios", new JsonObject()).getValue("vs_eventbus_echo"));
      targets.mergeIn(bus.getJsonObject("targets", new JsonObject()));
    } else {
      add(missing, "eventbus-harness-result");
    }

    JsonArray jmhRows = new JsonArray();
    for (int i = 0; i < jmh.size(); i++) {
      JsonObject b = jmh.getJsonObject(i);
      JsonObject pm = b.getJsonObject("primaryMetric");
      jmhRows.add(new JsonObject().put("benchmark", b.getString("benchmark").replace("io.leadrouter.bench.", ""))
          .put("params", b.getJsonObject("params", new JsonObject())).put("mode", b.getString("mode"))
          .put("score", number(pm.getValue("score"))).put("error", number(pm.getValue("scoreError")))
          .put("unit", pm.getString("scoreUnit")));
    }
    report.put("jmh", jmhRows);
    Double pickMin = null;
    Double pick10 = null;
    Double busCross = null;
    Double busSame = null;
    Double echoCross = null;
    for (int i = 0; i < jmhRows.size(); i++) {
      JsonObject b = jmhRows.getJsonObject(i);
      JsonObject p = b.getJsonObject("params");
      double s = b.getDouble("score");
      switch (b.getString("benchmark")) {
        case "SchedulePickBenchmark.pick" -> {
          pickMin = pickMin == null ? s : Math.min(pickMin, s);
          if ("10".equals(p.getString("members")) && "mixed".equals(p.getString("weights"))) {
            pick10 = s;
          }
        }
        case "EventBusRoundTripBenchmark.pick" -> {
          if ("cross-thread".equals(p.getString("placement"))) {
            busCross = busCross == null ? s : Math.max(busCross, s);
          } else {
            busSame = busSame == null ? s : Math.max(busSame, s);
          }
        }
        case "EventBusRoundTripBenchmark.baselineEcho" -> {
          if ("cross-thread".equals(p.getString("placement"))) {
            echoCross = echoCross == null ? s : Math.max(echoCross, s);
          }
        }
        default -> { }
      }
    }
    headline.put("jmh_schedule_pick_min_ops_s", pickMin).put("jmh_schedule_pick_10_mixed_ops_s", pick10)
        .put("jmh_eventbus_pick_cross_thread_best_ops_s", busCross)
        .put("jmh_eventbus_pick_same_thread_best_ops_s", busSame)
        .put("jmh_eventbus_echo_cross_thread_best_ops_s", echoCross);
    String noJmh = jmhRows.isEmpty() ? "JMH not run" : "benchmark not in this JMH run";
    targets.put("eventbus_picks_per_s", Targets.atLeast("RotationService.pick over the local event bus, "
        + "cross-thread, best in-flight setting (JMH EventBusRoundTripBenchmark)", 1_000_000, busCross,
        " picks/s", noJmh));
    targets.put("schedule_pick_per_s", Targets.atLeast("Schedule pick, slowest of the members x weights sweep "
        + "(JMH SchedulePickBenchmark)", 100_000_000, pickMin, " picks/s", noJmh));

    // issue 14's targets from the other runs: JMH at fixed params and batches, cluster, client, JVM, quick vs full
    IssueTargets.jmh(jmhRows, headline, ratios, targets);
    IssueTargets.cluster(cluster, ratios, targets, missing);
    IssueTargets.client(client, ratios, targets);
    report.put("cluster", cluster).put("client", client)
        .put("jvm", jvm == null ? null : new JsonArray(List.of(jvm.split("\n"))));
    if ("quick".equals(report.getString("mode"))) {
      report.put("quick_vs_full", IssueTargets.quickVsFull(ratios, json(o.get("full"))));
    }
    // scale of one node and warm-up after readiness (NodeScale, WarmUp): see ScaleReport
    ScaleReport.merge(report, json(o.get("scale")), json(o.get("warmup")), headline, targets, missing);

    report.put("headline", headline).put("ratios", ratios).put("targets", targets).put("missing", missing);
    if (jfr != null) {
      report.put("jfr_top_frames", new JsonArray(List.of(jfr.split("\n"))));
    }
    Files.writeString(Path.of(o.get("out-json")), report.encodePrettily() + "\n");
    String txt = text(report, http, bus, machine, jfr);
    Files.writeString(Path.of(o.get("out-txt")), txt);
    System.out.print(txt);
  }

  private static void add(JsonArray a, Object v) {
    if (!a.contains(v)) {
      a.add(v);
    }
  }

  /** JMH writes "NaN" (a string) for the error of a run with too few iterations. */
  private static Double number(Object v) {
    return v instanceof Number n && !Double.isNaN(n.doubleValue()) ? LoadRun.round(n.doubleValue(), 3) : null;
  }

  private static JsonObject json(String file) throws Exception {
    if (file == null || !Files.exists(Path.of(file)) || Files.size(Path.of(file)) == 0) {
      return null;
    }
    return new JsonObject(Files.readString(Path.of(file)));
  }

  private static String text(String file) throws Exception {
    if (file == null || !Files.exists(Path.of(file))) {
      return null;
    }
    return Files.readString(Path.of(file)).stripTrailing();
  }

  // ---- text -------------------------------------------------------------------------------------------

  private static String text(JsonObject report, JsonObject http, JsonObject bus, String machine, String jfr) {
    StringBuilder b = new StringBuilder();
    b.append("Lead Router benchmarks, ").append(report.getString("date")).append(" (")
        .append(report.getString("mode")).append(" run)\n\n");
    if (machine != null) {
      b.append("Machine\n").append(indent(machine)).append("\n\n");
    }
    if (!report.getJsonArray("missing").isEmpty()) {
      b.append("!!! MISSING: ").append(report.getJsonArray("missing").encode()).append("\n\n");
    }
    if (http != null) {
      b.append("HTTP (service: --store memory)\n").append(harnessTable(http)).append("\n");
    }
    JsonObject store = report.getJsonObject("pg_store");
    b.append("Postgres store (write-behind)\n");
    if ("measured".equals(store.getString("status"))) {
      b.append(String.format("  next-user with --store postgres: %,.0f req/s, p99 %s ms, checks ok: %s; %.2fx the memory store%n%n",
          store.getDouble("next_user_rps"), store.getValue("next_user_p99_ms"), store.getValue("checks_ok"),
          store.getDouble("vs_memory_store") == null ? Double.NaN : store.getDouble("vs_memory_store")));
    } else {
      b.append("  NOT MEASURED: ").append(store.getString("status")).append(" - ").append(store.getString("reason"))
          .append("\n\n");
    }
    if (bus != null) {
      b.append("Event bus (in-process node, --mode eventbus)\n").append(harnessTable(bus)).append("\n");
    }
    b.append(ScaleReport.text(report));
    b.append("JMH (scores: ops/s unless the unit says otherwise)\n");
    JsonArray jmh = report.getJsonArray("jmh");
    if (jmh.isEmpty()) {
      b.append("  NOT RUN\n");
    }
    for (int i = 0; i < jmh.size(); i++) {
      JsonObject r = jmh.getJsonObject(i);
      StringBuilder params = new StringBuilder();
      new TreeMap<>(r.getJsonObject("params").getMap()).forEach((k, v) -> params.append(k).append('=').append(v).append(' '));
      b.append(String.format("  %-48s %-36s %18s ± %-14s %s%n", r.getString("benchmark"), params.toString().trim(),
          num(r.getDouble("score")), num(r.getDouble("error")), r.getString("unit")));
    }
    b.append(IssueTargets.text(report));
    b.append("\nHeadline\n");
    report.getJsonObject("headline").forEach(e -> b.append(String.format("  %-44s %s%n", e.getKey(),
        e.getValue() instanceof Number n ? num(n.doubleValue()) : e.getValue())));
    b.append("\nRatios\n");
    report.getJsonObject("ratios").forEach(e -> b.append(String.format("  %-44s %s%n", e.getKey(),
        e.getValue() == null ? "n/a" : e.getValue() + "x")));
    b.append("\nTargets\n");
    report.getJsonObject("targets").forEach(e -> {
      JsonObject t = (JsonObject) e.getValue();
      b.append(String.format("  %-28s %-18s measured %-16s %s%n", e.getKey(), t.getString("target"),
          t.getValue("measured") == null ? "-" : num(t.getDouble("measured")) + t.getString("unit"),
          Targets.verdict(t)));
    });
    if (report.containsKey("quick_vs_full")) {
      b.append("\nQuick vs full: ").append(report.getJsonObject("quick_vs_full").getString("verdict")).append('\n');
    }
    if (jfr != null) {
      b.append("\nJFR: hottest frames in the service under next-user load (top of stack, sample count)\n")
          .append(indent(jfr)).append("\n");
    }
    return b.toString();
  }

  /** The harness's own end-of-run table: one line per target, ratios, targets, missing backends. */
  static String harnessTable(JsonObject s) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("  %-22s %12s %9s %9s %9s %9s %8s %11s  %s%n", "target", "req/s", "p50 ms", "p99 ms",
        "p99.9 ms", "max ms", "errors", "load 1m", "checks"));
    JsonObject results = s.getJsonObject("results", new JsonObject());
    for (String name : results.fieldNames()) {
      JsonObject r = results.getJsonObject(name);
      JsonObject l = r.getJsonObject("latency_ms");
      b.append(String.format("  %-22s %12s %9s %9s %9s %9s %8d %11s  %s%n", name, num(r.getDouble("throughput_rps")),
          l.getValue("p50"), l.getValue("p99"), l.getValue("p99_9"), l.getValue("max"), r.getLong("requests_error"),
          loads(r.getJsonArray("loadavg")),
          r.containsKey("checks") ? PickCheck.oneLine(r.getJsonObject("checks")) : "(no picks)"));
      JsonObject log = r.getJsonObject("assignment_log");
      if (log != null) {
        b.append(String.format("  %-22s assignment log: %d rows, %d distinct sequences, max %d%n", "",
            log.getLong("rows"), log.getLong("distinct_sequences"), log.getLong("max_sequence")));
      }
    }
    JsonObject settings = s.getJsonObject("settings", new JsonObject());
    b.append(String.format("  (%s connections/in-flight; %s round(s) per target, interleaved, each %s s measured after"
            + " a warm-up pass of %s s per target and %s s re-warm-up; rate %s; baselines auth: %s)%n",
        settings.getValue("connections"), settings.getValue("rounds"), settings.getValue("duration_s"),
        settings.getValue("warmup_s"), settings.getValue("rewarm_s"), settings.getValue("rate"),
        settings.getValue("baselines_auth")));
    JsonObject ratios = s.getJsonObject("ratios", new JsonObject());
    if (!ratios.isEmpty()) {
      b.append("  ratios (next-user throughput / baseline throughput):");
      ratios.forEach(e -> b.append(' ').append(e.getKey()).append('=')
          .append(e.getValue() == null ? "n/a" : e.getValue() + "x"));
      b.append('\n');
    }
    JsonObject targets = s.getJsonObject("targets", new JsonObject());
    targets.forEach(e -> {
      JsonObject t = (JsonObject) e.getValue();
      b.append(String.format("  target %-26s %-16s measured %-14s %s%n", e.getKey(), t.getString("target"),
          t.getValue("measured") == null ? "-" : num(t.getDouble("measured")) + t.getString("unit"),
          Targets.verdict(t)));
    });
    JsonArray missing = s.getJsonArray("missing", new JsonArray());
    if (!missing.isEmpty()) {
      b.append("  !!! MISSING ").append(missing.encode()).append(": ")
          .append(s.getJsonObject("missing_details", new JsonObject()).encode()).append('\n');
    }
    return b.toString();
  }

  /** 1-minute load average before the first and after the last round. */
  private static String loads(JsonArray rounds) {
    if (rounds == null || rounds.isEmpty()) {
      return "?";
    }
    String before = rounds.getJsonObject(0).getString("before");
    String after = rounds.getJsonObject(rounds.size() - 1).getString("after");
    return (before == null ? "?" : before.split(" ")[0]) + ">" + (after == null ? "?" : after.split(" ")[0]);
  }

  static String num(Double v) {
    if (v == null || v.isNaN()) {
      return "n/a";
    }
    if (Math.abs(v) >= 100) {
      return String.format("%,.0f", v);
    }
    return String.format("%.3f", v);
  }

  private static String indent(String s) {
    List<String> out = new ArrayList<>();
    for (String line : s.split("\n")) {
      out.add("  " + line);
    }
    return String.join("\n", out);
  }
}
