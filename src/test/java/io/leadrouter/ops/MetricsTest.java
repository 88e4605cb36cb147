package io.leadrouter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void theAccountLabelIsBoundedLaterAccountsCountAsOther() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics metrics = new Metrics(registry);
    for (int i = 0; i < Metrics.ACCOUNT_LABELS + 50; i++) {
      metrics.picks("acct-" + i).increment();
    }
    metrics.picks("acct-0").increment();
    metrics.picks("acct-" + (Metrics.ACCOUNT_LABELS + 7)).increment();

    assertThat(registry.find("leadrouter.picks").counters()).hasSize(Metrics.ACCOUNT_LABELS + 1);
    assertThat(registry.get("leadrouter.picks").tag("account", "acct-0").counter().count()).isEqualTo(2.0);
    Counter other = registry.get("leadrouter.picks").tag("account", "other").counter();
    assertThat(other.count()).isEqualTo(51.0);
  }
}
