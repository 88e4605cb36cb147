package io.leadrouter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.Api;
import io.leadrouter.testing.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class HealthAndMetricsTest {

  @Test
  void probesAndMetricsAnswerWithoutATokenAndCountPicks(Vertx vertx) throws Exception {
    TestApp node = TestApp.start(vertx).await(30, TimeUnit.SECONDS);
    try {
      Api api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
      Api anonymous = api.as(null, null);
      assertThat(anonymous.get("/health/live").await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      HttpResponse<Buffer> ready = anonymous.get("/health/ready").await(10, TimeUnit.SECONDS);
      assertThat(ready.statusCode()).isEqualTo(200);
      JsonObject status = ready.bodyAsJsonObject();
      assertThat(status.getString("status")).isEqualTo("UP");
      assertThat(status.getJsonObject("checks").getString("store")).isEqualTo("UP");
      assertThat(status.getJsonObject("checks").getInteger("partitions")).isEqualTo(node.config.partitions());

      long id = api.createRotation(new JsonObject().put("name", "m").put("members", new JsonArray().add("a@example.com")))
          .await(10, TimeUnit.SECONDS).getLong("id");
      for (int i = 0; i < 7; i++) {
        assertThat(api.get("/lead-rotations/" + id + "/next-user").await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
      assertThat(api.get("/lead-rotations/99999999/next-user").await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
      String metrics = anonymous.get("/metrics").await(10, TimeUnit.SECONDS).bodyAsString();
      assertThat(metrics).contains("leadrouter_picks_total{account=\"2311\"} 7.0")
          .contains("leadrouter_next_user_seconds_count{outcome=\"picked\"} 7")
          .contains("leadrouter_next_user_seconds_count{outcome=\"refused\"} 1")
          .contains("leadrouter_next_user_seconds_bucket")
          .contains("leadrouter_writebehind_backlog{owner=\"0\"}")
          .contains("leadrouter_rotations_active")
          .contains("leadrouter_partitions_owned")
          .contains("leadrouter_store_errors_total");
    } finally {
      node.app.stop().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aManagementPortServesMetricsAndProbesAndTheApiPortNoLongerServesMetrics(Vertx vertx) throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    TestApp node = TestApp.start(vertx, "--management-port", String.valueOf(port)).await(30, TimeUnit.SECONDS);
    try {
      assertThat(node.app.managementPort()).isEqualTo(port);
      Api api = new Api(vertx, node.port(), TestApp.token(vertx, "ops@example.com", "2311"), "2311");
      long id = api.createRotation(new JsonObject().put("name", "m").put("members", new JsonArray().add("a@example.com")))
          .await(10, TimeUnit.SECONDS).getLong("id");
      assertThat(api.get("/lead-rotations/" + id + "/next-user").await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      Api anonymous = api.as(null, null);
      assertThat(anonymous.get("/metrics").await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
      assertThat(anonymous.get("/health/live").await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

      Api management = new Api(vertx, port, null, null);
      assertThat(management.get("/health/live").await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      HttpResponse<Buffer> ready = management.get("/health/ready").await(10, TimeUnit.SECONDS);
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.bodyAsJsonObject().getJsonObject("checks").getString("store")).isEqualTo("UP");
      assertThat(management.get("/metrics").await(10, TimeUnit.SECONDS).bodyAsString())
          .contains("leadrouter_picks_total{account=\"2311\"} 1.0");
      assertThat(management.get("/lead-rotations").await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
    } finally {
      node.app.stop().await(30, TimeUnit.SECONDS);
    }
  }
}
