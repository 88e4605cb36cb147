package io.leadrouter.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bare Vert.x baseline: what Vert.x 5 serves with nothing of the service, as the measure of how much the
 * service's own work costs per request. {@code instances} HTTP verticles on one port (as the service's
 * {@code http-instances}), every request answered with the same fixed JSON body (the size of a next-user
 * answer), no routing, no authentication, no metrics. Prints {@code LISTENING <port>} once ready.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.leadrouter.bench.BareServer --body-file F [--instances 2]}.
 */
public final class BareServer {

  private BareServer() {}

  /** One HTTP server instance answering every request with {@code body}. */
  static final class Http extends VerticleBase {
    private final int port;
    private final Buffer body;

    Http(int port, Buffer body) {
      this.port = port;
      this.body = body;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1"))
          .requestHandler(req -> req.response().putHeader("content-type", "application/json").end(body))
          .listen();
    }
  }

  public static void main(String[] args) throws Exception {
    Path bodyFile = null;
    int instances = 2;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--body-file" -> bodyFile = Path.of(args[i + 1]);
        case "--instances" -> instances = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Buffer body = Buffer.buffer(Files.readAllBytes(bodyFile));
    Vertx vertx = Vertx.vertx();
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort(); // all instances share one port: find a free one first
    }
    try {
      int p = port;
      vertx.deployVerticle(() -> new Http(p, body), new DeploymentOptions().setInstances(instances))
          .await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.out.println("FAILED " + e);
      System.out.flush();
      vertx.close();
      System.exit(1);
    }
    System.out.println("LISTENING " + port + " instances:" + instances + " body:" + body.length() + " bytes");
    System.out.flush();
  }

  /** The command that starts a bare server answering with {@code body}, from this JVM's class path. */
  static List<String> command(String body, int instances) throws Exception {
    Path file = Files.createTempFile("lr-bench-bare-body", ".json");
    Files.writeString(file, body, StandardCharsets.UTF_8);
    file.toFile().deleteOnExit();
    return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), BareServer.class.getName(),
        "--body-file", file.toString(), "--instances", String.valueOf(instances)));
  }
}
