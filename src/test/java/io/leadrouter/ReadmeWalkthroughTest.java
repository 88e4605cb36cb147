package io.leadrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.testing.ServiceProcess;
import io.leadrouter.testing.TestPostgres;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's walk-through, run as a new user would: the service started as a separate process in dev mode
 * on a fresh data directory (under {@code target/}) and a database of its own, then every {@code ```bash}
 * block of the "Walk-through" section run, in order, by one {@code bash}, each block's output checked
 * against the {@code ```text} block that follows it in the README ({@code …} there matches anything within
 * a line). A bash block with no text block after it must print nothing.
 *
 * <p>Two substitutions only: the service's free port for {@code localhost:8080}, and the test class path
 * for {@code java -jar target/lead-router.jar} (the jar is built after the tests run).
 *
 * <p>Needs {@code bash} and {@code curl} on the path (and {@code sed}, {@code grep}); the build installs them
 * where they are missing ({@code .ci/test-tools.sh}), and without them the test fails saying so.
 */
class ReadmeWalkthroughTest {

  private static final String JAR_COMMAND = "java -jar target/lead-router.jar";
  private static final Pattern FENCE = Pattern.compile("(?m)^```(\\w*)\\n(.*?)^```\\n?", Pattern.DOTALL);
  private static final String MARK = "@@readme-block-";

  /** A {@code ```bash} block of the walk-through and the output the README shows for it (empty: none). */
  record Step(String script, List<String> expected) {}

  @Test
  void walkThroughRunsAsWrittenFromAnEmptyService() throws Exception {
    assertThat(onPath("bash") && onPath("curl")).as("the README walk-through test needs bash and curl on the PATH "
        + "(PATH=" + System.getenv("PATH") + "); install curl to run it").isTrue();
    List<Step> steps = steps(Files.readString(Path.of("README.md"), StandardCharsets.UTF_8));
    assertThat(steps).as("bash blocks in the README's Walk-through").hasSizeGreaterThanOrEqualTo(5);
    assertThat(steps.get(0).script()).as("the walk-through mints its token with the token command")
        .contains(JAR_COMMAND + " token");

    Path dir = Files.createDirectories(Path.of("target", "readme-walkthrough", String.valueOf(System.nanoTime())));
    String pgUri = TestPostgres.freshDatabaseUri();
    try (ServiceProcess service = ServiceProcess.start(Map.of("LEADROUTER_DATA_DIR", dir.resolve("data").toString(),
        "LEADROUTER_PG_URI", pgUri), "--http-port", "0")) {
      int port = service.awaitListening(Duration.ofSeconds(120));
      Run run = runBash(dir, script(steps, port), Duration.ofSeconds(180));
      List<List<String>> outputs = split(run.stdout(), steps.size());
      for (int i = 0; i < steps.size(); i++) {
        Step step = steps.get(i);
        List<String> actual = outputs.get(i);
        String context = "walk-through block " + (i + 1) + ":\n" + step.script() + "\nits output:\n"
            + String.join("\n", actual) + "\nbash stderr:\n" + run.stderr();
        assertThat(actual).as(context).hasSameSizeAs(step.expected());
        for (int j = 0; j < actual.size(); j++) {
          assertThat(actual.get(j)).as(context).matches(pattern(step.expected().get(j)));
        }
      }
      assertThat(run.exit()).as("bash exit; stderr:\n" + run.stderr()).isZero();
      assertThat(service.terminate()).isIn(0, 143);
    } finally {
      TestPostgres.dropDatabase(pgUri);
    }
  }

  /** The bash blocks of the section "## Walk-through", each with the text block right after it. */
  static List<Step> steps(String readme) {
    int start = readme.indexOf("\n## Walk-through\n");
    assertThat(start).as("README has a '## Walk-through' section").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    List<Step> steps = new ArrayList<>();
    Matcher m = FENCE.matcher(section);
    int after = 0;
    while (m.find()) {
      String between = section.substring(after, m.start());
      after = m.end();
      if (m.group(1).equals("bash")) {
        steps.add(new Step(m.group(2), List.of()));
      } else if (m.group(1).equals("text") && !steps.isEmpty() && between.isBlank()) {
        Step last = steps.remove(steps.size() - 1);
        steps.add(new Step(last.script(), m.group(2).lines().toList()));
      }
    }
    return steps;
  }

  /** One script: each block preceded by a marker line, with the test's port and class path substituted. */
  private static String script(List<Step> steps, int port) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String tokenCommand = "'" + java + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '" + classPath
        + "' io.leadrouter.Main";
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < steps.size(); i++) {
      out.append("echo '").append(MARK).append(i).append("'\n")
          .append(steps.get(i).script().replace("localhost:8080", "localhost:" + port).replace(JAR_COMMAND, tokenCommand))
          .append('\n');
    }
    return out.toString();
  }

  private static List<List<String>> split(String stdout, int blocks) {
    List<List<String>> outputs = new ArrayList<>();
    for (String line : stdout.lines().toList()) {
      if (line.startsWith(MARK)) {
        outputs.add(new ArrayList<>());
      } else {
        assertThat(outputs).as("output before the first block: " + line).isNotEmpty();
        outputs.get(outputs.size() - 1).add(line);
      }
    }
    assertThat(outputs).as("every block ran; output:\n" + stdout).hasSize(blocks);
    return outputs;
  }

  /** A README output line as a pattern: literal text, {@code …} for anything. */
  static String pattern(String expected) {
    return Arrays.stream(expected.split("…", -1)).map(Pattern::quote).collect(Collectors.joining(".*"));
  }

  record Run(int exit, String stdout, String stderr) {}

  private static Run runBash(Path dir, String script, Duration timeout) throws Exception {
    Path file = dir.resolve("walk-through.sh");
    Files.writeString(file, script, StandardCharsets.UTF_8);
    ProcessBuilder pb = new ProcessBuilder("bash", file.toAbsolutePath().toString()).directory(dir.toFile());
    // as on a fresh shell: none of the service's settings leak in (the token command reads ./data)
    pb.environment().keySet().removeIf(k -> k.startsWith("LEADROUTER_"));
    pb.redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p = pb.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new IllegalStateException("the walk-through did not finish within " + timeout + "; output so far:\n"
          + Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8));
    }
    return new Run(p.exitValue(), Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8));
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, command))) {
        return true;
      }
    }
    return false;
  }
}
