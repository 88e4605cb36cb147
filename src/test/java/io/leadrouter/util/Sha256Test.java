package io.leadrouter.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Sha256Test {

  @Test
  void digestsTheUtf8BytesOfAText() {
    assertThat(HexFormat.of().formatHex(Sha256.of("abc")))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void partsAreFramedSoThatMovingABoundaryChangesTheHash() {
    // "abc" followed by the 0x1f separator
    assertThat(Sha256.hexOfParts("abc")).isEqualTo(HexFormat.of().formatHex(Sha256.of("abc\u001f")));
    assertThat(Sha256.hexOfParts("ab", "c")).isNotEqualTo(Sha256.hexOfParts("a", "bc"));
    assertThat(Sha256.hexOfParts((String) null)).isNotEqualTo(Sha256.hexOfParts(""));
  }
}
