package io.leadrouter.ops;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * OpenTelemetry tracing through Vert.x's tracing SPI ({@code vertx-opentelemetry}): a span per HTTP request
 * served (named and tagged with its route template by the HTTP edge) and per event-bus message sent or
 * received within one. Off unless the standard variables ask for it: {@code OTEL_TRACES_EXPORTER} (other
 * than {@code none}), {@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT};
 * {@code OTEL_SDK_DISABLED=true} keeps it off. Then the SDK is configured by OpenTelemetry's own
 * autoconfiguration from every {@code OTEL_*} variable, with these defaults: service {@code lead-router},
 * OTLP over HTTP/protobuf (the only OTLP protocol this build carries), no OTel metrics or logs (metrics are
 * Prometheus'). Off, no tracer is set up and the SDK is never built.
 */
public final class Tracing {

  /** The variables of which one must be set to turn tracing on. */
  static final List<String> SWITCHES =
      List.of("OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");

  private static final Map<String, String> DEFAULTS = Map.of(
      "otel.service.name", "lead-router",
      "otel.exporter.otlp.protocol", "http/protobuf",
      "otel.metrics.exporter", "none",
      "otel.logs.exporter", "none");

  private Tracing() {}

  /** Whether these variables turn tracing on. */
  static boolean wanted(Map<String, String> env) {
    if ("true".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", "").trim())) {
      return false;
    }
    String exporter = env.get("OTEL_TRACES_EXPORTER");
    if (exporter != null && !exporter.isBlank()) {
      return !exporter.trim().equalsIgnoreCase("none");
    }
    return SWITCHES.stream().anyMatch(name -> env.get(name) != null && !env.get(name).isBlank());
  }

  /**
   * The SDK these variables configure, or empty when they leave tracing off. The variables are handed to the
   * autoconfiguration as properties too (their standard mapping, {@code OTEL_FOO_BAR} to {@code otel.foo.bar}),
   * so that what is passed here is what is used. A bad value (an unknown exporter) fails here, at start-up.
   */
  public static Optional<OpenTelemetrySdk> sdk(Map<String, String> env, String version) {
    if (!wanted(env)) {
      return Optional.empty();
    }
    Map<String, String> properties = new HashMap<>(DEFAULTS);
    env.forEach((name, value) -> {
      if (name.startsWith("OTEL_")) {
        properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
      }
    });
    Resource build = Resource.create(Attributes.of(AttributeKey.stringKey("service.version"), version));
    return Optional.of(AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> properties)
        // OTEL_RESOURCE_ATTRIBUTES may name another service.version: it wins
        .addResourceCustomizer((resource, config) -> build.merge(resource))
        .build().getOpenTelemetrySdk());
  }

  /**
   * Sets up Vert.x's tracer when the variables ask for it (before the options go to the builder) and returns
   * how, for the start-up log.
   */
  public static String setUp(Map<String, String> env, String version, VertxOptions options, VertxBuilder builder) {
    Optional<OpenTelemetrySdk> sdk = sdk(env, version);
    if (sdk.isEmpty()) {
      return "off (set OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER to trace)";
    }
    options.setTracingOptions(new OpenTelemetryOptions());
    builder.withTracer(new OpenTelemetryTracingFactory(sdk.get()));
    String exporter = env.getOrDefault("OTEL_TRACES_EXPORTER", "otlp");
    String endpoint = env.getOrDefault("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        env.getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", "the default endpoint"));
    return "OpenTelemetry, exporter " + exporter + (exporter.contains("otlp") ? " to " + endpoint : "")
        + ", service " + env.getOrDefault("OTEL_SERVICE_NAME", DEFAULTS.get("otel.service.name"));
  }
}
