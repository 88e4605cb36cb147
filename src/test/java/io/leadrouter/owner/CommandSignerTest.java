package io.leadrouter.owner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Signatures in delivery headers (what members publish to each other besides commands). */
class CommandSignerTest {

  private static final CommandSigner MEMBERS = CommandSigner.of("cluster-secret-of-these-members-0123456789");

  @Test
  void aSignatureHoldsForItsBytesAndThisClusterOnly() {
    byte[] body = "9c5e0d1a-member".getBytes(StandardCharsets.UTF_8);
    String signature = MEMBERS.signature(body);
    assertThat(MEMBERS.verify(body, signature)).isNull();
    assertThat(MEMBERS.signature(body)).as("a fresh nonce every time").isNotEqualTo(signature);
    assertThat(MEMBERS.verify("another-member".getBytes(StandardCharsets.UTF_8), signature)).contains("bad signature");
    assertThat(CommandSigner.of("another-cluster-secret-0123456789abcdef").verify(body, signature)).contains("bad signature");
    assertThat(MEMBERS.verify(body, null)).isEqualTo("not signed");
    assertThat(MEMBERS.verify(body, "%%%")).isEqualTo("not a signature");
    assertThat(MEMBERS.verify(body, "AAAA")).isEqualTo("not signed");
  }
}
