package io.leadrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** Every request has an id (the caller's X-Request-Id or a new one): echoed, logged, kept with its pick. */
@ExtendWith(VertxExtension.class)
class AccessLogTest {

  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Logger access = (Logger) LoggerFactory.getLogger("leadrouter.access");
  private TestApp node;
  private Api api;
  private long id;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    lines.start();
    access.addAppender(lines);
    node = TestApp.start(vertx, "--access-log", "true").await(30, TimeUnit.SECONDS);
    api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
    id = api.createRotation(new JsonObject().put("name", "ids").put("members", new JsonArray()
        .add(new JsonObject().put("email", "a@example.com")))).await(30, TimeUnit.SECONDS).getLong("id");
  }

  @AfterEach
  void stop() throws Exception {
    access.detachAppender(lines);
    node.app.stop().await(30, TimeUnit.SECONDS);
  }

  /** Retries {@code check} until it passes or 10 s have gone (the access line and the log row come after the answer). */
  private static void eventually(ThrowingRunnable check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void aRequestIdIsEchoedOrMadeLoggedWithTheRouteTemplateAndKeptWithThePick() throws Exception {
    HttpResponse<Buffer> given = api.request(HttpMethod.GET, "/lead-rotations/" + id + "/next-user")
        .putHeader("x-request-id", "order-42.a").send().await(30, TimeUnit.SECONDS);
    assertThat(given.statusCode()).isEqualTo(200);
    assertThat(given.getHeader("x-request-id")).isEqualTo("order-42.a");

    HttpResponse<Buffer> made = api.get("/lead-rotations/" + id + "/next-user").await(30, TimeUnit.SECONDS);
    String generated = made.getHeader("x-request-id");
    assertThat(generated).matches("[0-9a-f]{32}");

    HttpResponse<Buffer> notAToken = api.request(HttpMethod.GET, "/lead-rotations/999999")
        .putHeader("x-request-id", "has spaces").send().await(30, TimeUnit.SECONDS);
    assertThat(notAToken.statusCode()).isEqualTo(404);
    assertThat(notAToken.getHeader("x-request-id")).matches("[0-9a-f]{32}");

    eventually(() -> {
      List<String> messages = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
      assertThat(messages).anyMatch(m -> m.startsWith("GET /lead-rotations/:rotationId/next-user 200 ")
          && m.endsWith("request order-42.a"));
      assertThat(messages).anyMatch(m -> m.startsWith("GET /lead-rotations/:rotationId 404 ")
          && m.endsWith("request " + notAToken.getHeader("x-request-id")));
      assertThat(lines.list).allMatch(e -> e.getMDCPropertyMap().get("requestId") != null);
    });
    // the assignment log keeps each pick's request id, the generated one too (written behind: wait for it)
    eventually(() -> {
      JsonArray items = api.get("/lead-rotations/" + id + "/assignments").await(30, TimeUnit.SECONDS)
          .bodyAsJsonObject().getJsonArray("items");
      assertThat(items.stream().map(o -> ((JsonObject) o).getString("requestId")))
          .containsExactlyInAnyOrder("order-42.a", generated);
    });
  }
}
