package io.leadrouter.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The client ({@code client/}, artifact {@code lead-router-client}) is built for users on its own: its sources
 * use nothing of the service, only {@code io.leadrouter.client} itself (and Vert.x, Hazelcast, the JDK).
 */
class ClientImportsTest {

  private static final Path CLIENT = Path.of("client/src/main/java");
  private static final Pattern LEADROUTER = Pattern.compile("\\bio\\.leadrouter\\.([a-zA-Z_.]+)");

  @Test
  void clientSourcesUseNothingOfTheService() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(CLIENT)) {
      files = walk.filter(f -> f.toString().endsWith(".java")).toList();
    }
    assertThat(files).as("client sources found").hasSizeGreaterThan(5);
    for (Path f : files) {
      Matcher m = LEADROUTER.matcher(read(f));
      while (m.find()) {
        assertThat(m.group(1)).as("%s uses io.leadrouter.%s", f, m.group(1)).matches("client(\\.[A-Za-z_]+)*");
      }
      assertThat(f.toString()).as("package of %s", f).contains("io/leadrouter/client/");
    }
  }

  @Test
  void clientPomDependsOnlyOnVertx() throws IOException {
    String pom = read(Path.of("client/pom.xml"));
    assertThat(pom).contains("<artifactId>lead-router-client</artifactId>")
        .doesNotContain("<artifactId>lead-router</artifactId>");
    // the Vert.x of the service: the event bus is spoken between them
    String root = read(Path.of("pom.xml"));
    Matcher rootVersion = Pattern.compile("<vertx.version>([^<]+)</vertx.version>").matcher(root);
    Matcher clientVersion = Pattern.compile("<vertx.version>([^<]+)</vertx.version>").matcher(pom);
    assertThat(rootVersion.find() && clientVersion.find()).isTrue();
    assertThat(clientVersion.group(1)).isEqualTo(rootVersion.group(1));
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
