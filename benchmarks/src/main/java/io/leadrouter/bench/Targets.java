package io.leadrouter.bench;

import io.vertx.core.json.JsonObject;

/** A performance target with its measured value, whether it is met, and by how much it falls short. */
final class Targets {

  private Targets() {}

  /** {@code measured >= goal}; {@code measured} null means not measured (then {@code why} says why). */
  static JsonObject atLeast(String what, double goal, Double measured, String unit, String why) {
    JsonObject t = base(what, ">= " + fmt(goal) + unit, goal, measured, unit, why);
    if (measured != null) {
      boolean met = measured >= goal;
      t.put("met", met)
          .put("shortfall", met ? 0.0 : LoadRun.round(goal - measured, 3))
          .put("shortfall_pct", met ? 0.0 : LoadRun.round(100.0 * (goal - measured) / goal, 1))
          .put("factor_needed", met ? 1.0 : measured <= 0 ? null : LoadRun.round(goal / measured, 2));
    }
    return t;
  }

  /** {@code measured <= goal}. */
  static JsonObject atMost(String what, double goal, Double measured, String unit, String why) {
    JsonObject t = base(what, "<= " + fmt(goal) + unit, goal, measured, unit, why);
    if (measured != null) {
      boolean met = measured <= goal;
      t.put("met", met)
          .put("shortfall", met ? 0.0 : LoadRun.round(measured - goal, 3))
          .put("shortfall_pct", met ? 0.0 : LoadRun.round(100.0 * (measured - goal) / goal, 1));
    }
    return t;
  }

  private static JsonObject base(String what, String target, double goal, Double measured, String unit, String why) {
    JsonObject t = new JsonObject().put("what", what).put("target", target).put("goal", goal).put("unit", unit)
        .put("measured", measured == null ? null : LoadRun.round(measured, 3));
    if (measured == null) {
      t.put("met", false).put("shortfall", null).put("not_measured", why == null ? "not measured" : why);
    }
    return t;
  }

  static String fmt(double v) {
    if (Math.abs(v) >= 1000) {
      return String.format("%,.0f", v);
    }
    if (v == Math.rint(v)) {
      return String.format("%.1f", v);
    }
    return String.format("%.2f", v);
  }

  /** One line: "MET" or "MISSED by ..." for the text report. */
  static String verdict(JsonObject t) {
    if (t.getValue("measured") == null) {
      return "NOT MEASURED (" + t.getString("not_measured") + ")";
    }
    if (t.getBoolean("met")) {
      return "MET";
    }
    String unit = t.getString("unit");
    String by = fmt(t.getDouble("shortfall")) + unit + " (" + t.getDouble("shortfall_pct") + "%"
        + (t.getValue("factor_needed") != null ? ", needs " + t.getDouble("factor_needed") + "x" : "") + ")";
    return "MISSED by " + by;
  }
}
