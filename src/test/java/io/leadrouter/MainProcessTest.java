package io.leadrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.config.Config;
import io.leadrouter.testing.ServiceProcess;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The service as a user runs it: dev mode, the printed token, the token command, SIGTERM. */
@ExtendWith(VertxExtension.class)
class MainProcessTest {

  private static final Pattern JWT = Pattern.compile("(eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)");

  private WebClient client;

  @Test
  void devModeStartsServesTheWalkThroughAndStopsGracefully(Vertx vertx, @TempDir Path data) throws Exception {
    client = WebClient.create(vertx);
    Map<String, String> env = Map.of("LEADROUTER_DATA_DIR", data.toString());
    try (ServiceProcess service = ServiceProcess.start(env, "--store", "memory", "--http-port", "0")) {
      int port = service.awaitListening(Duration.ofSeconds(60));
      String log = String.join("\n", service.output());
      assertThat(log).contains("DEV MODE").contains("setting store: memory");
      Matcher m = JWT.matcher(log);
      assertThat(m.find()).as("a ready-to-use token is printed").isTrue();
      String printed = m.group(1);

      String minted = ServiceProcess.run(env, "token", "--account", "2311", "--sub", "ops@example.com", "--ttl", "1h");
      assertThat(minted).matches(JWT);

      HttpResponse<Buffer> created = client.post(port, "localhost", "/lead-rotations")
          .putHeader("authorization", "Bearer " + minted)
          .sendJsonObject(new JsonObject().put("name", "walk").put("members", new JsonArray()
              .add(new JsonObject().put("email", "a@example.com").put("weight", 3)).add("b@example.com")))
          .await(10, TimeUnit.SECONDS);
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      long id = created.bodyAsJsonObject().getLong("id");
      HttpResponse<Buffer> next = client.get(port, "localhost", "/lead-rotations/" + id + "/next-user")
          .putHeader("authorization", "Bearer " + printed).putHeader("x-account-id", "2311")
          .send().await(10, TimeUnit.SECONDS);
      assertThat(next.statusCode()).as(next.bodyAsString()).isEqualTo(200);
      assertThat(next.bodyAsJsonObject().getString("currentUser")).isEqualTo("a@example.com");

      // the run command is enough to see the console, which knows it is dev mode
      HttpResponse<Buffer> root = client.get(port, "localhost", "/").followRedirects(false).send()
          .await(10, TimeUnit.SECONDS);
      assertThat(root.statusCode()).isEqualTo(302);
      assertThat(root.getHeader("location")).isEqualTo("/console/");
      HttpResponse<Buffer> page = client.get(port, "localhost", "/console/").send().await(10, TimeUnit.SECONDS);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.getHeader("content-type")).startsWith("text/html");
      assertThat(page.bodyAsString()).contains("<title>Lead Router console</title>");
      assertThat(client.get(port, "localhost", "/console/config.json").send().await(10, TimeUnit.SECONDS)
          .bodyAsJsonObject()).isEqualTo(new JsonObject().put("devMode", true));

      int exit = service.terminate();
      assertThat(exit).isIn(0, 143);
      assertThat(String.join("\n", service.output())).contains("stopped cleanly");
    }
  }

  @Test
  void jsonLogsOnRequest(@TempDir Path data) throws Exception {
    Map<String, String> env = Map.of("LEADROUTER_DATA_DIR", data.toString(), "LEADROUTER_LOG_FORMAT", "json",
        "LEADROUTER_JWT_SECRET", "json-logs-secret-json-logs-secret-0123");
    try (ServiceProcess service = ServiceProcess.start(env, "--store", "memory", "--http-port", "0")) {
      service.awaitListening(Duration.ofSeconds(60));
      List<String> lines = service.output().stream().filter(l -> l.startsWith("{")).toList();
      assertThat(lines).isNotEmpty();
      JsonObject first = new JsonObject(lines.get(0));
      assertThat(first.getString("level")).isEqualTo("INFO");
      assertThat(first.getString("formattedMessage")).startsWith("setting ");
      assertThat(String.join("\n", service.output())).doesNotContain("json-logs-secret");
      assertThat(service.terminate()).isIn(0, 143);
    }
  }

  @Test
  void helpListsEverySettingAndExitsZero() throws Exception {
    String help = ServiceProcess.run(Map.of(), "--help");
    assertThat(help).contains("usage: java -jar lead-router.jar [--name value ...]")
        .contains("java -jar lead-router.jar token --account ID");
    for (String name : Config.SETTINGS.keySet()) {
      assertThat(help).contains("--" + name + " ").contains(Config.envName(name));
    }
    assertThat(ServiceProcess.run(Map.of(), "token", "--help"))
        .isEqualTo("usage: token --account ID [--account ID ...] --sub EMAIL [--ttl 1h|30m|3600s|7d]");
  }

  @Test
  void badSettingsStopStartUpWithOneLineEach() throws Exception {
    try (ServiceProcess service = ServiceProcess.start(Map.of("LEADROUTER_HTTP_PORT", "x"), "--owners", "0")) {
      int exit = service.awaitExit(Duration.ofSeconds(60));
      String out = String.join("\n", service.output());
      assertThat(exit).isEqualTo(2);
      assertThat(out).contains("invalid setting: http-port (LEADROUTER_HTTP_PORT / --http-port): 'x' is not a whole number")
          .contains("invalid setting: owners");
    }
  }
}
