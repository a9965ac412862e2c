package org.mimicit.common.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What logs and {@code _stats} show of the settings: never the key, wherever it was put. */
class ApiSettingsShownTest {
  private static final String KEY = "sk-live-0c4f7a";

  private static ApiSettings withBase(String base) {
    return new ApiSettings(
        ApiSettings.OPENAI,
        base,
        KEY,
        null,
        null,
        "m",
        0,
        true,
        100,
        Duration.ofSeconds(1),
        4,
        Duration.ofMillis(1),
        Duration.ofMillis(4));
  }

  @Test
  void aPlainBaseIsShownAsIs() {
    assertThat(withBase("https://api.openai.com/v1").shownBase())
        .isEqualTo("https://api.openai.com/v1");
    assertThat(withBase("http://localhost:8000/v1").shownBase())
        .isEqualTo("http://localhost:8000/v1");
    assertThat(withBase(null).shownBase()).isNull();
  }

  @Test
  void userInfoAndQueryOfTheBaseAreDropped() {
    assertThat(withBase("https://me:" + KEY + "@llm.example.com:8443/v1").shownBase())
        .isEqualTo("https://llm.example.com:8443/v1");
    assertThat(withBase("https://llm.example.com/v1?api-key=" + KEY).shownBase())
        .isEqualTo("https://llm.example.com/v1");
  }

  @Test
  void toStringShowsNeitherTheKeyNorAKeyInTheBase() {
    String shown = withBase("https://me:" + KEY + "@llm.example.com/v1?api-key=" + KEY).toString();
    assertThat(shown).contains("llm.example.com/v1").contains("(redacted)").doesNotContain(KEY);
  }
}
