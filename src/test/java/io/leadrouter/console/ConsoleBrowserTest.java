package io.leadrouter.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.ServiceProcess;
import io.leadrouter.testing.TestPostgres;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The web console in a real browser: the service runs as its own process in dev mode (as the README's run
 * command starts it) on a database of its own, the page is signed in to with the dev token it printed, and
 * {@code src/test/browser/console.test.mjs} drives Debian's headless Chromium through the issue's seven flows
 * (sign-in, create 3/1/1, pause, live stream, fairness against /stats, a refused edit, an ingest token), the
 * assignment log filtered by from/to, fairness over a custom window, and the leads page with a lead's history, and
 * writes the screenshots to {@code target/console-screenshots}. Chromium, Node.js and the script's npm
 * package are installed by {@code .ci/browser-tools.sh} (run by the build before the tests).
 */
class ConsoleBrowserTest {

  private static final Path SCRIPT = Path.of("src", "test", "browser", "console.test.mjs");
  private static final Path SHOTS = Path.of("target", "console-screenshots");
  private static final Pattern JWT = Pattern.compile("(eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)");

  @Test
  void theIssuesFlowsPassInHeadlessChromium() throws Exception {
    assertThat(Path.of("/usr/bin/chromium")).as("Debian's chromium (.ci/browser-tools.sh installs it)").exists();
    assertThat(Path.of("src", "test", "browser", "node_modules", "playwright-core"))
        .as("playwright-core (.ci/browser-tools.sh runs npm ci in src/test/browser)").exists();
    Path data = Files.createDirectories(Path.of("target", "console-browser", String.valueOf(System.nanoTime())));
    String pgUri = TestPostgres.freshDatabaseUri();
    // dev mode, as the README's run command starts it: the page is signed in to with the token the service printed
    try (ServiceProcess service = ServiceProcess.start(Map.of("LEADROUTER_DATA_DIR", data.toString(),
        "LEADROUTER_PG_URI", pgUri), "--http-port", "0")) {
      int port = service.awaitListening(Duration.ofSeconds(120));
      Matcher printed = JWT.matcher(String.join("\n", service.output()));
      assertThat(printed.find()).as("the dev token the service printed:\n" + String.join("\n", service.output()))
          .isTrue();
      String token = printed.group(1);
      Path log = data.resolve("browser.log");
      Process node = new ProcessBuilder(List.of("node", SCRIPT.toString(), "--url", "http://127.0.0.1:" + port,
          "--token", token, "--account", "2311", "--dev-mode", "true", "--out", SHOTS.toString()))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean finished = node.waitFor(5, TimeUnit.MINUTES);
      if (!finished) {
        node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(finished).as("the browser script finished within 5 minutes; its output:\n" + output).isTrue();
      assertThat(node.exitValue()).as("browser flows (screenshots of failures in " + SHOTS + "):\n" + output
          + "\nservice output (last lines):\n" + tail(service.output(), 60)).isZero();
      assertThat(output).contains("13 passed, 0 failed");
      for (String shot : List.of("rotations-desktop", "rotation-desktop", "people-desktop", "edit-error-desktop",
          "rotation-narrow", "rotations-narrow", "leads-desktop")) {
        File file = SHOTS.resolve(shot + ".png").toFile();
        assertThat(file).as("screenshot " + shot).exists();
        assertThat(file.length()).as("screenshot " + shot).isGreaterThan(1_000);
      }
      assertThat(service.terminate()).isIn(0, 143);
    } finally {
      TestPostgres.dropDatabase(pgUri);
    }
  }

  private static String tail(List<String> lines, int n) {
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }
}
