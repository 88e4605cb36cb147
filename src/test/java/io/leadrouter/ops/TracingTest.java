package io.leadrouter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.Api;
import io.leadrouter.testing.ServiceProcess;
import io.leadrouter.testing.TestApp;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracing: off without the OTEL_* variables (no tracer set up), and on with them, a next-user request served
 * by the service process reaches an OTLP/HTTP receiver (a stub here) as a server span named by its route.
 */
class TracingTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private Vertx vertx;
  /** OTLP/HTTP protobuf export requests the stub received, as bytes (strings are UTF-8 inside protobuf). */
  private final List<byte[]> exports = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void offWithoutTheVariablesNoTracerIsSetUp() {
    for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("OTEL_SERVICE_NAME", "lr"),
        Map.of("OTEL_TRACES_EXPORTER", "none", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
        Map.of("OTEL_SDK_DISABLED", "true", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"))) {
      VertxOptions options = new VertxOptions();
      VertxBuilder builder = Vertx.builder();
      assertThat(Tracing.setUp(env, "1.2.3", options, builder)).as(env.toString()).startsWith("off");
      assertThat(options.getTracingOptions()).as(env.toString()).isNull();
      assertThat(Tracing.sdk(env, "1.2.3")).as(env.toString()).isEmpty();
    }
  }

  @Test
  void onWithAnEndpointTheStandardVariablesConfigureTheSdk() {
    Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318",
        "OTEL_SERVICE_NAME", "router-7");
    VertxOptions options = new VertxOptions();
    assertThat(Tracing.setUp(env, "1.2.3", options, Vertx.builder()))
        .isEqualTo("OpenTelemetry, exporter otlp to http://127.0.0.1:4318, service router-7");
    assertThat(options.getTracingOptions()).isInstanceOf(OpenTelemetryOptions.class);
    Optional<OpenTelemetrySdk> sdk = Tracing.sdk(env, "1.2.3");
    assertThat(sdk).isPresent();
    sdk.get().close();
  }

  @Test
  void nextUserRequestIsExportedAsAServerSpanWithItsRoute(@TempDir Path data) throws Exception {
    HttpServer receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (req.path().equals("/v1/traces")) {
        exports.add(body.getBytes());
      }
      req.response().putHeader("content-type", "application/x-protobuf").end(Buffer.buffer());
    })).listen(0, "127.0.0.1").await();
    Map<String, String> env = Map.of("LEADROUTER_DATA_DIR", data.toString(),
        "LEADROUTER_JWT_SECRET", TestApp.SECRET,
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + receiver.actualPort(),
        "OTEL_BSP_SCHEDULE_DELAY", "50");
    int managementPort;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      managementPort = free.getLocalPort();
    }
    try (ServiceProcess service = ServiceProcess.start(env, "--store", "memory", "--http-port", "0",
        "--management-port", String.valueOf(managementPort))) {
      int port = service.awaitListening(Duration.ofSeconds(60));
      assertThat(String.join("\n", service.output())).contains("setting tracing: OpenTelemetry, exporter otlp to "
          + "http://127.0.0.1:" + receiver.actualPort() + ", service lead-router");
      // a probe on the management port, before the traced request: probes are not traced
      assertThat(new Api(vertx, managementPort, null, null).get("/health/ready").await().statusCode()).isEqualTo(200);
      Api api = new Api(vertx, port, TestApp.token(vertx, "ops@example.com", "77"), "77");
      HttpResponse<Buffer> created = api.send(io.vertx.core.http.HttpMethod.POST, "/lead-rotations",
          new JsonObject().put("name", "traced").put("members", new JsonArray().add("a@example.com"))).await();
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      long id = created.bodyAsJsonObject().getLong("id");
      HttpResponse<Buffer> picked = api.request(io.vertx.core.http.HttpMethod.GET, "/lead-rotations/" + id + "/next-user")
          .putHeader("x-request-id", "trace-me-42").putHeader("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
          .send().await();
      assertThat(picked.statusCode()).isEqualTo(200);

      String span = awaitExport("GET /lead-rotations/:rotationId/next-user", Duration.ofSeconds(30));
      assertThat(span).contains("http.route").contains("/lead-rotations/:rotationId/next-user")
          .contains("leadrouter.request_id").contains("trace-me-42")
          .contains("service.name").contains("lead-router")
          .contains("url.path").contains("/lead-rotations/" + id + "/next-user");
      // the caller's W3C trace context is continued: the span carries its trace id (16 raw bytes in protobuf)
      assertThat(span).contains(new String(java.util.HexFormat.of().parseHex(TRACE_ID), StandardCharsets.ISO_8859_1));
      // spans are exported in the order they end: the probe's would have come with or before this one
      assertThat(exports).noneMatch(e -> new String(e, StandardCharsets.ISO_8859_1).contains("/health/ready"));
      // the pick's command to its owner on the event bus: Vert.x's messaging spans, in the request's trace
      assertThat(awaitExport("vertx-eventbus", Duration.ofSeconds(30))).contains("leadrouter.partition.");
      assertThat(service.terminate()).isIn(0, 143);
    }
  }

  /** The first export holding this text, as Latin-1 text (so every byte maps to one char). */
  private String awaitExport(String text, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      for (byte[] export : exports) {
        String s = new String(export, StandardCharsets.ISO_8859_1);
        if (s.contains(text)) {
          return s;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no span named '" + text + "' exported within " + max + "; " + exports.size()
        + " exports received: " + exports.stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)
            .replaceAll("[^\\x20-\\x7e]", ".")).toList());
  }
}
