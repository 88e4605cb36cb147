package io.leadrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadrouter.testing.ServiceProcess;
import io.leadrouter.testing.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line around serving: --version, the token command's secret, start-up reports. */
class CliTest {

  @Test
  void versionComesFromTheBuild() throws Exception {
    assertThat(ServiceProcess.run(Map.of(), "--version")).isEqualTo("lead-router " + Version.VERSION);
    assertThat(Version.VERSION).matches("[0-9]+\\.[0-9]+\\.[0-9]+.*");
  }

  @Test
  void tokenRefusesToInventASecretUnlessAsked(@TempDir Path elsewhere) throws Exception {
    Map<String, String> env = Map.of("LEADROUTER_DATA_DIR", elsewhere.toString());
    Path file = elsewhere.resolve("dev-jwt-secret");
    assertThatThrownBy(() -> ServiceProcess.run(env, "token", "--account", "1", "--sub", "a@example.com"))
        .hasMessageStartingWith("exit 2: ").hasMessageContaining(file.toString()).hasMessageContaining("does not exist")
        .hasMessageContaining("--create-secret");
    assertThat(file).doesNotExist();
    String token = ServiceProcess.run(env, "token", "--account", "1", "--sub", "a@example.com", "--create-secret");
    assertThat(token.split("\\.")).hasSize(3);
    assertThat(file).exists();
    // the secret now exists: the same command without the flag uses it
    assertThat(ServiceProcess.run(env, "token", "--account", "1", "--sub", "a@example.com").split("\\.")).hasSize(3);
  }

  @Test
  void startUpLogsTheVersionAndWarnsOfUnknownVariables(@TempDir Path data) throws Exception {
    Map<String, String> env = Map.of("LEADROUTER_DATA_DIR", data.toString(), "LEADROUTER_HTTP_PROT", "9999",
        "LEADROUTER_JWT_SECRET", "cli-test-secret-cli-test-secret-0123456");
    try (ServiceProcess service = ServiceProcess.start(env, "--store", "memory", "--http-port", "0")) {
      service.awaitListening(Duration.ofSeconds(60));
      String out = String.join("\n", service.output());
      assertThat(out).contains("Lead Router " + Version.VERSION + " listening on http://")
          .contains("LEADROUTER_HTTP_PROT names no setting")
          .doesNotContain("LEADROUTER_DATA_DIR names no setting");
      assertThat(service.terminate()).isIn(0, 143);
    }
  }

  @Test
  void aBlankSecretOrDevModeInAClusterStopsStartUp(@TempDir Path data) throws Exception {
    try (ServiceProcess service = ServiceProcess.start(Map.of("LEADROUTER_DATA_DIR", data.toString(),
        "LEADROUTER_JWT_SECRET", " "), "--store", "memory", "--http-port", "0")) {
      assertThat(service.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(String.join("\n", service.output()))
          .contains("invalid setting: jwt-secret (LEADROUTER_JWT_SECRET): set but blank");
    }
    try (ServiceProcess service = ServiceProcess.start(Map.of("LEADROUTER_DATA_DIR", data.toString(),
        "LEADROUTER_CLUSTER_SECRET", TestApp.CLUSTER_SECRET),
        "--cluster", "--pg-uri", "postgresql://lr@127.0.0.1:1/lr", "--http-port", "0")) {
      assertThat(service.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(service.output()).filteredOn(l -> l.startsWith("invalid setting:")).singleElement().asString()
          .startsWith("invalid setting: cluster: dev mode");
    }
    assertThat(Files.exists(data.resolve("dev-jwt-secret"))).isFalse();
  }
}
