package io.leadrouter.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadrouter.error.ApiException;
import org.junit.jupiter.api.Test;

/** One reading of a {@code count}, from a JSON body (batch picks) or a query parameter (preview). */
class CountTest {

  @Test
  void absentIsTheDefaultAndAWholeNumberInRangeIsTaken() {
    assertThat(Count.of(null, "count", 10, 100)).isEqualTo(10);
    assertThat(Count.of(7, "count", 10, 100)).isEqualTo(7);
    assertThat(Count.of(100.0, "count", 10, 100)).isEqualTo(100);
    assertThat(Count.of("1", "count", 10, 100)).isEqualTo(1);
  }

  @Test
  void anythingElseIsA400NamingTheFieldAndWhatItGot() {
    for (Object bad : new Object[] {0, 101, 2.5, -3, "abc", "", "1e3", true}) {
      assertThatThrownBy(() -> Count.of(bad, "count", 10, 100)).as(String.valueOf(bad))
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("count").contains("1..100").contains(String.valueOf(bad));
          });
    }
  }
}
