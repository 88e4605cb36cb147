package io.leadrouter.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.leadrouter.error.Failure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The service's own meters, beside Vert.x's HTTP server metrics (status counts per route). Meters are
 * thread-safe; the gauges read values that their owners publish.
 */
public final class Metrics {

  private final MeterRegistry registry;
  private final Timer nextUser;
  private final Timer nextUserRefused;
  private final Timer nextUserFailed;
  private final Timer flush;
  private final Counter storeErrors;
  private final Counter eventsDropped;
  /** Accounts that get a {@code leadrouter_picks_total} series of their own; the rest share {@code other}. */
  static final int ACCOUNT_LABELS = 100;
  private static final String OTHER = "other";
  private final Map<String, Counter> picks = new ConcurrentHashMap<>();

  public Metrics(MeterRegistry registry) {
    this.registry = registry;
    this.nextUser = nextUserTimer(registry, "picked");
    this.nextUserRefused = nextUserTimer(registry, "refused");
    this.nextUserFailed = nextUserTimer(registry, "failed");
    this.flush = Timer.builder("leadrouter.writebehind.flush").description("write-behind flush latency")
        .publishPercentileHistogram().register(registry);
    this.storeErrors = Counter.builder("leadrouter.store.errors").description("failed store operations (flushes included)")
        .register(registry);
    this.eventsDropped = Counter.builder("leadrouter.events.dropped")
        .description("picks an event stream did not write because its reader fell behind (told as event: dropped)")
        .register(registry);
  }

  /** A Prometheus registry and the Vert.x options that feed it (HTTP server metrics by route and status). */
  public static PrometheusMeterRegistry prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // HTTP latency by route template, as histogram buckets (quantiles can be aggregated over members)
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        return id.getName().equals("vertx.http.server.response.time")
            ? DistributionStatisticConfig.builder().percentilesHistogram(true)
                .minimumExpectedValue((double) Duration.ofMillis(1).toNanos())
                .maximumExpectedValue((double) Duration.ofSeconds(10).toNanos()).build().merge(config)
            : config;
      }
    });
    return registry;
  }

  /** {@code leadrouter_build_info{version}} = 1: which version each member runs (e.g. during a rolling update). */
  public void buildInfo(String version) {
    Gauge.builder("leadrouter.build.info", () -> 1).tag("version", version)
        .description("the running build; the value is always 1").register(registry);
  }

  /** Vert.x with {@code eventLoops} event-loop threads and the metrics this service exports. */
  public static VertxOptions vertxOptions(int eventLoops) {
    return vertxOptions().setEventLoopPoolSize(eventLoops);
  }

  public static VertxOptions vertxOptions() {
    return new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE, Label.POOL_NAME))
        // per-message event-bus metrics would tax every pick; the owner's own meters cover it
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS));
  }

  public static Metrics none() {
    return new Metrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Records a next-user call (HTTP or event bus) that started at {@code startedNanos}, by outcome: {@code picked},
   * {@code refused} (an answer under 500: not found, not active, nobody eligible...) or {@code failed} (503,
   * timeouts, bugs), so that failures show in the same histogram as successes.
   */
  public void nextUser(long startedNanos, Throwable failure) {
    Timer timer = failure == null ? nextUser : Failure.of(failure).status() < 500 ? nextUserRefused : nextUserFailed;
    timer.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }

  private static Timer nextUserTimer(MeterRegistry registry, String outcome) {
    return Timer.builder("leadrouter.next_user").description("next-user latency at the edge (HTTP, event bus)")
        .tag("outcome", outcome).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
  }

  public Timer flushLatency() {
    return flush;
  }

  /** The two outcomes of a cluster replication round; {@link #replicationRounds()} registers them. */
  public record ReplicationRounds(Timer acknowledged, Timer failed) {}

  /**
   * {@code leadrouter_replication_round_seconds{outcome}}: from a group-commit round's start (its append sent)
   * to the backup member's confirmation ({@code acknowledged}) or the round's failure ({@code failed}: fenced,
   * minority side, backup silent past Hazelcast's 5 s). Registered by the first cluster owner, so a single node
   * exports none.
   */
  public ReplicationRounds replicationRounds() {
    return new ReplicationRounds(replicationTimer("acknowledged"), replicationTimer("failed"));
  }

  private Timer replicationTimer(String outcome) {
    return Timer.builder("leadrouter.replication.round")
        .description("replication round latency: append sent to backup confirmed, per group-commit round")
        .tag("outcome", outcome).publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
        .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
  }

  public void storeError() {
    storeErrors.increment();
  }

  /** {@code leadrouter_events_dropped_total}: picks event streams could not write to readers that fell behind. */
  public Counter eventsDropped() {
    return eventsDropped;
  }

  /**
   * Picks per account; Prometheus derives picks per second with rate(). Account ids come from callers' tokens,
   * so the label is bounded: the first {@value #ACCOUNT_LABELS} accounts seen get their own series, every
   * later one counts under {@code account="other"} (a scrape never grows without bound).
   */
  public Counter picks(String accountId) {
    Counter counter = picks.get(accountId);
    if (counter != null) {
      return counter;
    }
    String label = picks.size() < ACCOUNT_LABELS ? accountId : OTHER;
    Counter shared = Counter.builder("leadrouter.picks").tag("account", label).description("picks handed out")
        .register(registry);
    if (label.equals(accountId)) {
      picks.putIfAbsent(accountId, shared);
    }
    return shared;
  }

  /** {@code leadrouter_writebehind_capacity}: write-buffer-max, what each owner's backlog is measured against. */
  public void writeBufferCapacity(int picksPerOwner) {
    Gauge.builder("leadrouter.writebehind.capacity", () -> picksPerOwner)
        .description("picks an owner buffers at most (write-buffer-max); a full buffer answers 503").register(registry);
  }

  /** Registers the gauges of one owner verticle. */
  public void owner(int index, Supplier<Number> backlog, Supplier<Number> activeRotations, Supplier<Number> partitions) {
    String owner = String.valueOf(index);
    Gauge.builder("leadrouter.writebehind.backlog", backlog).tag("owner", owner)
        .description("picks acknowledged but not yet in the store").register(registry);
    Gauge.builder("leadrouter.rotations.active", activeRotations).tag("owner", owner)
        .description("rotations in memory").register(registry);
    Gauge.builder("leadrouter.partitions.owned", partitions).tag("owner", owner)
        .description("partitions served").register(registry);
  }
}
