package io.leadrouter.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import io.leadrouter.client.ClientOptions;
import io.leadrouter.client.LeadRouterClient;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client refuses to join the cluster as a full Hazelcast member, before joining anything. */
class FullMemberClientTest {

  @Test
  void aClientConfiguredAsAFullMemberIsRefusedWithAClearMessage() {
    Config full = new Config().setClusterName("lead-router");
    full.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    Future<LeadRouterClient> joined = LeadRouterClient.joinCluster(full, ClientOptions.withToken("jwt"));
    try {
      joined.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // checked below
    }
    assertThat(joined.failed()).isTrue();
    assertThat(joined.cause()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refusing to join the cluster 'lead-router' as a full Hazelcast member")
        .hasMessageContaining("lite member");
  }
}
