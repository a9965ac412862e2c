package org.mimicit.common.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {
  private static HttpHeaders headers(Map<String, String> values) {
    return HttpHeaders.of(
        values.entrySet().stream()
            .collect(
                java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))),
        (a, b) -> true);
  }

  @Test
  void readsRetryAfterInSecondsAndMilliseconds() {
    assertThat(RateLimitHeaders.retryAfter(headers(Map.of("retry-after", "7"))))
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(
            RateLimitHeaders.retryAfter(
                headers(Map.of("retry-after-ms", "1500", "retry-after", "1"))))
        .isEqualTo(Duration.ofMillis(1500));
    assertThat(RateLimitHeaders.retryAfter(headers(Map.of()))).isNull();
  }

  @Test
  void readsTheResetOfASpentBudget() {
    HttpHeaders h =
        headers(
            Map.of(
                "x-ratelimit-remaining-requests",
                "0",
                "x-ratelimit-reset-requests",
                "6m0s",
                "x-ratelimit-remaining-tokens",
                "100",
                "x-ratelimit-reset-tokens",
                "20ms"));
    assertThat(RateLimitHeaders.retryAfter(h)).isEqualTo(Duration.ofMinutes(6));
    assertThat(RateLimitHeaders.holdBack(h)).isEqualTo(Duration.ofMinutes(6));
    assertThat(
            RateLimitHeaders.holdBack(
                headers(
                    Map.of(
                        "x-ratelimit-remaining-requests",
                        "3",
                        "x-ratelimit-reset-requests",
                        "1s"))))
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void parsesOpenAiResetDurations() {
    assertThat(RateLimitHeaders.parseResetDuration("1s")).isEqualTo(Duration.ofSeconds(1));
    assertThat(RateLimitHeaders.parseResetDuration("1h2m3.5s"))
        .isEqualTo(Duration.ofMillis(3_723_500));
    assertThat(RateLimitHeaders.parseResetDuration("59ms")).isEqualTo(Duration.ofMillis(59));
    assertThat(RateLimitHeaders.parseResetDuration("2")).isEqualTo(Duration.ofSeconds(2));
  }
}
