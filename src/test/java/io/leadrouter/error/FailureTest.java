package io.leadrouter.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadrouter.owner.ReplicaException;
import io.leadrouter.owner.ServiceException;
import io.leadrouter.store.StoreException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The one mapping from a failure to its answer, and the import rule it exists for. */
class FailureTest {

  @Test
  void everyFailureTypeMapsThroughTheOneTable() {
    assertThat(Failure.of(ApiException.invalid("x: bad")))
        .isEqualTo(new Failure(400, "invalid_input", "x: bad", false));
    assertThat(Failure.of(new StoreException(StoreException.Kind.NOT_FOUND, "gone")))
        .isEqualTo(new Failure(404, "not_found", "gone", false));
    assertThat(Failure.of(new StoreException(StoreException.Kind.UNAVAILABLE, "down", new IOException())))
        .isEqualTo(new Failure(503, "unavailable", "down", false));
    assertThat(Failure.of(new ServiceException(409, "archived")))
        .isEqualTo(new Failure(409, "conflict", "archived", false));
    assertThat(Failure.of(new ReplicaException(ReplicaException.Kind.MINORITY, "cut off")))
        .isEqualTo(new Failure(503, "unavailable", "cut off", false));
    assertThat(Failure.of(new DecodeException("x")))
        .isEqualTo(new Failure(400, "invalid_input", "body: not valid JSON", false));
    assertThat(Failure.of(new IllegalStateException("secret detail")))
        .isEqualTo(new Failure(500, "internal", "internal error", true));
    assertThat(Failure.of(413, "body: larger than 10 bytes").json()).isEqualTo(new JsonObject()
        .put("error", new JsonObject().put("code", "payload_too_large").put("message", "body: larger than 10 bytes")));
  }

  @Test
  void authAndBusDoNotImportTheHttpEdge() throws IOException {
    for (String pkg : new String[] {"auth", "bus", "error", "edge", "store", "owner", "rotation"}) {
      try (Stream<Path> files = Files.walk(Path.of("src/main/java/io/leadrouter", pkg))) {
        files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
          try {
            assertThat(Files.readString(f)).as(f.toString()).doesNotContain("import io.leadrouter.http.");
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
      }
    }
  }
}
