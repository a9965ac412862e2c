package org.mimicit.common.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The limiter against a hand-moved clock: exact schedules, no sleeping. */
class RateLimiterTest {
  static final class FakeClock implements RateLimiter.Clock {
    long now = 1_000_000_000L;

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleepNanos(long nanos) {
      now += Math.max(nanos, 0);
    }
  }

  @Test
  void spacesRequestsEvenlyAtTheRate() {
    FakeClock clock = new FakeClock();
    RateLimiter limiter = new RateLimiter(600, 0, clock);
    assertThat(limiter.reserve(10)).isZero();
    assertThat(limiter.reserve(10)).isEqualTo(100_000_000L);
    assertThat(limiter.reserve(10)).isEqualTo(200_000_000L);
    clock.now += 1_000_000_000L; // idle time is not saved up: no burst afterwards
    assertThat(limiter.reserve(10)).isZero();
    assertThat(limiter.reserve(10)).isEqualTo(100_000_000L);
  }

  @Test
  void chargesTokensAndCorrectsThemFromUsage() {
    FakeClock clock = new FakeClock();
    RateLimiter limiter = new RateLimiter(0, 6000, clock); // 100 tokens per second
    assertThat(limiter.reserve(200)).isZero();
    assertThat(limiter.reserve(100)).isEqualTo(2_000_000_000L);
    limiter.correct(-100); // the second used 0 tokens after all
    assertThat(limiter.reserve(100)).isEqualTo(2_000_000_000L);
  }

  @Test
  void aPauseHoldsBackEveryRequest() {
    FakeClock clock = new FakeClock();
    RateLimiter limiter = new RateLimiter(0, 0, clock);
    limiter.pauseFor(3_000_000_000L);
    assertThat(limiter.reserve(1)).isEqualTo(3_000_000_000L);
    assertThat(limiter.reserve(1)).isEqualTo(3_000_000_000L);
  }

  @Test
  void rejectsNegativeRates() {
    assertThatThrownBy(() -> new RateLimiter(-1, 0, new FakeClock()))
        .hasMessage("Cannot set requests per minute to -1.0, the value must not be negative.");
  }
}
