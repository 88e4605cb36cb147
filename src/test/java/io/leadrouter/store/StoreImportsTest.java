package io.leadrouter.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules of the store, read from the sources: leads build on the store (its {@code Page}, its
 * errors, its Postgres client), so the store and its adapters must never reach back into leads; and the
 * shared helpers in {@code util} depend on no package of the service.
 */
class StoreImportsTest {

  private static final Path MAIN = Path.of("src/main/java/io/leadrouter");

  @Test
  void storeAndItsSubpackagesDoNotUseLeads() throws IOException {
    List<Path> files = sources("store");
    assertThat(files).as("store sources found").isNotEmpty();
    files.forEach(f -> assertThat(read(f)).as(f.toString()).doesNotContain("io.leadrouter.leads"));
  }

  @Test
  void sharedHelpersDependOnNoPackageOfTheService() throws IOException {
    sources("util").forEach(f -> assertThat(read(f)).as(f.toString()).doesNotContainPattern(
        "import (static )?io\\.leadrouter\\."));
  }

  private static List<Path> sources(String pkg) throws IOException {
    try (Stream<Path> files = Files.walk(MAIN.resolve(pkg))) {
      return files.filter(f -> f.toString().endsWith(".java")).toList();
    }
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
