package io.leadrouter.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The part of {@link Report} for {@link NodeScale} ({@code --scale F}) and {@link WarmUp} ({@code --warmup F}):
 * the raw results under "scale" and "warmup", headline figures, the targets {@code startup_100k_vs_empty} (at
 * most 1.2x) and {@code warmup_seconds_to_90pct} (at most 10 s), and their text section.
 */
final class ScaleReport {

  private ScaleReport() {}

  /** Puts both results into {@code report}; a missing or unmeasured one is listed in {@code missing}. */
  static void merge(JsonObject report, JsonObject scale, JsonObject warmup, JsonObject headline, JsonObject targets,
      JsonArray missing) {
    JsonObject s = scale == null ? new JsonObject().put("status", "not run").put("reason", "no NodeScale result")
        : scale;
    JsonObject w = warmup == null ? new JsonObject().put("status", "not run").put("reason", "no WarmUp result")
        : warmup;
    report.put("scale", s).put("warmup", w);
    boolean scaled = "measured".equals(s.getString("status"));
    boolean warmed = "measured".equals(w.getString("status"));
    if (!scaled && !missing.contains("node-scale")) {
      missing.add("node-scale");
    }
    if (!warmed && !missing.contains("warm-up")) {
      missing.add("warm-up");
    }
    JsonObject memory = s.getJsonObject("memory", new JsonObject());
    JsonObject cold = s.getJsonObject("cold_activation", new JsonObject());
    JsonObject startup = s.getJsonObject("startup", new JsonObject());
    headline.put("bytes_per_active_rotation", memory.getValue("bytes_per_active_rotation"))
        .put("active_rotations_measured", memory.getValue("active_rotations"))
        .put("cold_activation_p50_ms", cold.getJsonObject("cold_ms", new JsonObject()).getValue("p50"))
        .put("cold_activation_p99_ms", cold.getJsonObject("cold_ms", new JsonObject()).getValue("p99"))
        .put("cold_activation_max_ms", cold.getJsonObject("cold_ms", new JsonObject()).getValue("max"))
        .put("warm_pick_p99_ms", cold.getJsonObject("warm_ms", new JsonObject()).getValue("p99"))
        .put("startup_largest_vs_empty", startup.getValue("ratio_largest_vs_empty"))
        .put("warmup_seconds_to_90pct", w.getValue("seconds_to_90pct"))
        .put("warmup_steady_rps", w.getValue("steady_rps"));
    Double ratio = startup.getDouble("ratio_largest_vs_empty");
    String stored = startup.getValue("largest") == null ? "100,000" : String.format("%,d", startup.getInteger("largest"));
    targets.put("startup_100k_vs_empty", Targets.atMost("start-up to ready with " + stored + " rotations stored in"
        + " Postgres vs none (NodeScale, in process, median): lazy activation, it does not grow", 1.2, ratio, "x",
        scaled ? "no start-up figure" : s.getString("status") + ": " + s.getString("reason")));
    Double seconds = w.getDouble("seconds_to_90pct");
    targets.put("warmup_seconds_to_90pct", Targets.atMost("fresh service JVM under next-user load (64 connections):"
        + " seconds from /health/ready 200 to a 1 s bucket at 90 % of steady (WarmUp)", 10, seconds, " s",
        !warmed ? w.getString("status") + ": " + w.getString("reason")
            : "never reached 90 % of steady within the run"));
    if (Boolean.TRUE.equals(w.getBoolean("still_rising"))) {
      targets.getJsonObject("warmup_seconds_to_90pct").put("note", "throughput still rising at the end of the run:"
          + " too short for a steady state, not comparable with a full run");
    }
  }

  /** The text section: both summaries, or why they are missing. */
  static String text(JsonObject report) {
    StringBuilder b = new StringBuilder();
    JsonObject s = report.getJsonObject("scale");
    if (s != null) {
      b.append("Scale of one node (NodeScale, Postgres store, in process)\n").append(NodeScale.text(s));
      JsonObject settings = s.getJsonObject("settings");
      if (settings != null) {
        b.append(String.format("  (heap max %s MB, JVM args %s, %s owners)%n", settings.getValue("heap_max_mb"),
            settings.getValue("jvm_args"), settings.getValue("owners")));
      }
      b.append('\n');
    }
    JsonObject w = report.getJsonObject("warmup");
    if (w != null) {
      b.append("Warm-up of a fresh service JVM (WarmUp, memory store, next-user from the moment it is ready)\n")
          .append(WarmUp.text(w));
      JsonObject settings = w.getJsonObject("settings");
      if (settings != null) {
        b.append(String.format("  (%s connections, closed loop, %s s; service JVM args %s)%n",
            settings.getValue("connections"), settings.getValue("seconds"), settings.getValue("service_jvm_args")));
      }
      b.append('\n');
    }
    return b.toString();
  }
}
