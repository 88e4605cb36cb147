package io.leadrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

  @Test
  void defaultsServeOn8080InDevMode() {
    Config c = Config.load(Map.of(), List.of());
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.flushIntervalMs()).isEqualTo(100);
    assertThat(c.devMode()).isTrue();
    assertThat(c.describe()).anyMatch(l -> l.contains("DEV MODE"));
  }

  @Test
  void commandLineBeatsEnvironmentBeatsFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("lr.properties");
    Files.writeString(file, "http-port=7000\nflush-batch=10\nowners=3\n");
    Config c = Config.load(Map.of("LEADROUTER_CONFIG", file.toString(), "LEADROUTER_HTTP_PORT", "7001",
        "LEADROUTER_FLUSH_BATCH", "20"), List.of("--http-port", "7002"));
    assertThat(c.httpPort()).isEqualTo(7002);
    assertThat(c.flushBatch()).isEqualTo(20);
    assertThat(c.owners()).isEqualTo(3);
  }

  @Test
  void everyBadSettingIsReportedByName() {
    assertThatThrownBy(() -> Config.load(Map.of("LEADROUTER_HTTP_PORT", "eighty", "LEADROUTER_JWT_SECRET", "short"),
        List.of("--store", "mongo", "--flush-interval-ms=0", "--bogus", "1")))
        .isInstanceOfSatisfying(Config.ConfigException.class, e -> assertThat(e.problems())
            .anyMatch(p -> p.startsWith("http-port (LEADROUTER_HTTP_PORT / --http-port)") && p.contains("eighty"))
            .anyMatch(p -> p.startsWith("jwt-secret") && p.contains("at least 32"))
            .anyMatch(p -> p.startsWith("store") && p.contains("mongo"))
            .anyMatch(p -> p.startsWith("flush-interval-ms") && p.contains("outside"))
            .anyMatch(p -> p.startsWith("--bogus") && p.contains("unknown setting"))
            .hasSize(5));
  }

  @Test
  void secretsNeverAppearInTheStartUpLines() {
    String secret = "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-xyz";
    Config c = Config.load(Map.of("LEADROUTER_JWT_SECRET", secret,
        "LEADROUTER_PG_URI", "postgresql://app:hunter2@db:5432/lr"), List.of());
    assertThat(String.join("\n", c.describe())).doesNotContain(secret).doesNotContain("hunter2")
        .contains("postgresql://app:***@db:5432/lr");
    assertThat(c.devMode()).isFalse();
  }

  @Test
  void unreadablePublicKeyFilesAreRefused() {
    assertThatThrownBy(() -> Config.load(Map.of("LEADROUTER_JWT_PUBLIC_KEYS", "/nonexistent/key.pem"), List.of()))
        .isInstanceOfSatisfying(Config.ConfigException.class, e -> assertThat(e.problems())
            .singleElement().asString().contains("jwt-public-keys").contains("/nonexistent/key.pem"));
  }

  @Test
  void thePostgresCaFileMustBeReadable(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> Config.load(Map.of("LEADROUTER_PG_CA_FILE", "/nonexistent/ca.pem"), List.of()))
        .isInstanceOfSatisfying(Config.ConfigException.class, e -> assertThat(e.problems())
            .singleElement().asString().contains("pg-ca-file").contains("/nonexistent/ca.pem"));
    Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    assertThat(Config.load(Map.of(), List.of("--pg-ca-file", ca.toString())).pgCaFile()).isEqualTo(ca);
  }

  @Test
  void aBlankSecretIsAnErrorNotDevMode() {
    assertThatThrownBy(() -> Config.load(Map.of("LEADROUTER_JWT_SECRET", "  "), List.of()))
        .isInstanceOfSatisfying(Config.ConfigException.class, e -> assertThat(e.problems()).singleElement().asString()
            .isEqualTo("jwt-secret (LEADROUTER_JWT_SECRET): set but blank; give the value or unset the variable"));
    // other blank variables still mean "not set"
    assertThat(Config.load(Map.of("LEADROUTER_PG_URI", ""), List.of()).pgUri()).isNull();
  }

  @Test
  void unknownLeadRouterVariablesAreNamed() {
    assertThat(Config.unknownEnvironment(Map.of("LEADROUTER_HTTP_PROT", "1", "LEADROUTER_HTTP_PORT", "1",
        "LEADROUTER_CONFIG", "x", "LEADROUTER_LOG_FORMAT", "json", "LEADROUTER_CLUSTER_BUS_PORT", "5702", "PATH", "/bin")))
        .containsExactly("LEADROUTER_HTTP_PROT");
  }

  @Test
  void theShutdownBudgetIsSplitFromOneSetting() {
    Config c = Config.load(Map.of("LEADROUTER_SHUTDOWN_SECONDS", "30"), List.of());
    assertThat(c.shutdownSeconds()).isEqualTo(30);
    assertThat(c.handOverSeconds()).isEqualTo(15);
    assertThatThrownBy(() -> Config.load(Map.of(), List.of("--shutdown-seconds", "1")))
        .isInstanceOfSatisfying(Config.ConfigException.class, e -> assertThat(e.problems()).singleElement().asString()
            .startsWith("shutdown-seconds (LEADROUTER_SHUTDOWN_SECONDS / --shutdown-seconds)"));
  }
}
