package io.leadrouter;

import io.leadrouter.auth.Jwt;
import io.leadrouter.cluster.ClusterNode;
import io.leadrouter.config.Config;
import io.leadrouter.ops.Metrics;
import io.leadrouter.ops.Tracing;
import io.leadrouter.owner.Partitioner;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.leadrouter.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command line: {@code java -jar lead-router.jar [--setting value ...]} serves;
 * {@code java -jar lead-router.jar token --account ID [--account ID2] --sub EMAIL [--ttl 1h]} mints a token.
 */
public final class Main {

  static {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.setProperty("hazelcast.logging.type", "slf4j");
    // before the first logger exists: structured logs on request
    if ("json".equalsIgnoreCase(System.getenv("LEADROUTER_LOG_FORMAT"))
        && System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    List<String> argv = new ArrayList<>(Arrays.asList(args));
    if (argv.contains("--help") || argv.contains("-h")) {
      // before the token command and the settings: "--help" would otherwise read as a setting needing a value
      if (!argv.isEmpty() && argv.get(0).equals("token")) {
        System.out.println(TokenCommand.USAGE);
      } else {
        Config.usage().forEach(System.out::println);
      }
      System.exit(0);
    }
    if (argv.equals(List.of("--version"))) {
      System.out.println("lead-router " + Version.VERSION);
      System.exit(0);
    }
    if (!argv.isEmpty() && argv.get(0).equals("token")) {
      System.exit(TokenCommand.run(argv.subList(1, argv.size())));
    }
    Config config;
    try {
      config = Config.load(System.getenv(), argv);
    } catch (Config.ConfigException e) {
      e.problems().forEach(p -> System.err.println("invalid setting: " + p));
      System.exit(2);
      return;
    }
    String storeMissing = Stores.unavailable(config);
    if (storeMissing != null) {
      // before joining a cluster or starting anything: this build cannot open the store configured
      System.err.println("invalid setting: " + storeMissing);
      System.exit(2);
      return;
    }
    config.describe().forEach(line -> LOG.info("setting {}", line));
    Config.unknownEnvironment(System.getenv()).forEach(name ->
        LOG.warn("environment: {} names no setting and is ignored (see --help)", name));
    PrometheusMeterRegistry registry = Metrics.prometheus();
    VertxOptions base = Metrics.vertxOptions(config.eventLoops());
    VertxOptions options = config.cluster() ? ClusterNode.options(base, config) : base;
    VertxBuilder builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory(registry));
    try {
      LOG.info("setting tracing: {}", Tracing.setUp(System.getenv(), Version.VERSION, options, builder));
    } catch (RuntimeException e) {
      // OpenTelemetry's own configuration error (an unknown exporter, a bad endpoint) names the variable
      System.err.println("invalid setting: tracing (OTEL_*): " + e.getMessage());
      System.exit(2);
      return;
    }
    builder.with(options);
    ClusterNode cluster = null;
    Vertx vertx;
    if (config.cluster()) {
      try {
        cluster = ClusterNode.start(builder, config).await(2, TimeUnit.MINUTES);
      } catch (Exception e) {
        LOG.error("start-up failed: could not join the cluster: {}", e.getMessage(), e);
        System.exit(1);
        return;
      }
      vertx = cluster.vertx();
    } else {
      vertx = builder.build();
    }
    JWTAuthOptions jwt = Jwt.options(config);
    if (config.devMode()) {
      LOG.warn("*****************************************************************************************");
      LOG.warn("DEV MODE: no LEADROUTER_JWT_SECRET or LEADROUTER_JWT_PUBLIC_KEYS is set. Tokens are signed");
      LOG.warn("with a generated secret kept in {}. Never run like this in production.",
          config.dataDir().resolve(Jwt.DEV_SECRET_FILE).toAbsolutePath());
      LOG.warn("A token for every account, valid 24 h (pass the account in x-account-id):");
      LOG.warn("{}", Jwt.mint(vertx, Jwt.hmacSecret(config), "dev@localhost", List.of("*"), 86_400));
      LOG.warn("*****************************************************************************************");
    }
    // registered before anything starts, so a SIGTERM at any point stops what did start
    AtomicReference<LeadRouter> running = new AtomicReference<>();
    AtomicReference<Stores> opened = new AtomicReference<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(vertx, running.get(), opened.get(),
        config.shutdownSeconds()), "shutdown"));
    try {
      opened.set(Stores.open(vertx, config).await(5, TimeUnit.MINUTES));
      running.set((cluster == null
          ? LeadRouter.start(vertx, config, opened.get(), jwt, Partitioner.hashing(config.partitions()),
              nodeName(config), new Metrics(registry))
          : LeadRouter.start(cluster, config, opened.get(), jwt, nodeName(config), new Metrics(registry)))
          .await(2, TimeUnit.MINUTES));
      LOG.info("Lead Router {} listening on http://{}:{}", Version.VERSION, config.httpHost(), running.get().httpPort());
    } catch (StoreException e) {
      // a setting or an unreachable store: the message says which; a stack trace would bury it
      LOG.error("start-up failed: {}", e.getMessage());
      System.exit(1);
    } catch (Exception e) {
      LOG.error("start-up failed: {}", e.getMessage(), e);
      System.exit(1);
    }
  }

  /**
   * Graceful stop (SIGTERM): HTTP first, then the owners drain write-behind, then the store; at most
   * {@code budgetSeconds} (shutdown-seconds), of which the cluster hand-over takes at most half.
   */
  private static void shutdown(Vertx vertx, LeadRouter app, Stores stores, int budgetSeconds) {
    LOG.info("shutting down within {} s: draining write-behind", budgetSeconds);
    try {
      Future<Void> stopped = app == null ? Future.succeededFuture() : app.stop();
      stopped.compose(v -> stores == null ? Future.succeededFuture() : stores.storage().close())
          .eventually(vertx::close).await(budgetSeconds, TimeUnit.SECONDS);
      LOG.info("stopped cleanly");
    } catch (TimeoutException e) {
      LOG.error("shutdown ran out of its {} s (shutdown-seconds): {} acknowledged picks of {} rotations in memory were"
          + " not yet in the store; their sequences stay reserved, the assignment log lacks them", budgetSeconds,
          app == null ? 0 : app.unflushed(), app == null ? 0 : app.activeRotations());
    } catch (Exception e) {
      LOG.error("shutdown did not complete cleanly: {}", e.getMessage());
    } finally {
      Stores.closeEmbedded();
    }
  }

  /** Names this node in the assignment log; a cluster member by its Hazelcast port, unique per host. */
  private static String nodeName(Config config) {
    int port = config.cluster() ? config.clusterPort() : config.httpPort();
    try {
      return InetAddress.getLocalHost().getHostName() + ":" + port;
    } catch (Exception e) {
      return "node:" + port;
    }
  }
}
