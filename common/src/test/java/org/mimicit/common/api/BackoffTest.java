package org.mimicit.common.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Exact delays with a random source that returns a chosen value. */
class BackoffTest {
  /** The largest value {@code nextDouble()} can return. */
  private static final double ALMOST_ONE = Math.nextDown(1.0);

  private static final Backoff BACKOFF =
      new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));

  @Test
  void doublesFromTheBaseWithEqualJitter() {
    List<Long> lowest = new ArrayList<>();
    List<Long> highest = new ArrayList<>();
    for (int attempt = 1; attempt <= 7; attempt++) {
      lowest.add(BACKOFF.delay(attempt, null, fixed(0)).toMillis());
      highest.add(BACKOFF.delay(attempt, null, fixed(ALMOST_ONE)).toMillis());
    }

    assertThat(lowest).containsExactly(50L, 100L, 200L, 400L, 800L, 1600L, 3200L);
    assertThat(highest).containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 6400L);
    // half fixed, half random: 200 + 0.5 * 201 for the 400 ms of attempt 3
    assertThat(BACKOFF.delay(3, null, fixed(0.5))).isEqualTo(Duration.ofMillis(300));
  }

  @Test
  void treatsAttemptsBelowOneAsTheFirst() {
    assertThat(BACKOFF.delay(0, null, fixed(0))).isEqualTo(Duration.ofMillis(50));
    assertThat(BACKOFF.delay(-3, null, fixed(ALMOST_ONE))).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void capsTheDelayAtMax() {
    // 100 ms << 7 = 12.8 s, over the 10 s cap
    assertThat(BACKOFF.delay(8, null, fixed(0))).isEqualTo(Duration.ofMillis(5000));
    assertThat(BACKOFF.delay(8, null, fixed(ALMOST_ONE))).isEqualTo(Duration.ofMillis(10_000));
    assertThat(BACKOFF.delay(1000, null, fixed(ALMOST_ONE))).isEqualTo(Duration.ofMillis(10_000));
  }

  @Test
  void stopsDoublingAfterTwentyAttempts() {
    Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofDays(365));

    // 1 ms << 20, not 1 ms << (attempt - 1), which would overflow (or wrap around) a long
    assertThat(backoff.delay(21, null, fixed(0))).isEqualTo(Duration.ofMillis(1 << 19));
    assertThat(backoff.delay(65, null, fixed(0))).isEqualTo(Duration.ofMillis(1 << 19));
    assertThat(backoff.delay(Integer.MAX_VALUE, null, fixed(ALMOST_ONE)))
        .isEqualTo(Duration.ofMillis(1 << 20));
  }

  @Test
  void neverExceedsAnOddCap() {
    Backoff backoff = new Backoff(Duration.ofMillis(7), Duration.ofMillis(7));

    assertThat(backoff.delay(1, null, fixed(0))).isEqualTo(Duration.ofMillis(3));
    assertThat(backoff.delay(1, null, fixed(ALMOST_ONE))).isEqualTo(Duration.ofMillis(6));
  }

  @Test
  void keepsRandomJitterBetweenHalfTheDelayAndTheDelay() {
    SplittableRandom random = new SplittableRandom(42);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < 10_000; i++) {
      long ms = BACKOFF.delay(4, null, random).toMillis();
      min = Math.min(min, ms);
      max = Math.max(max, ms);
    }

    assertThat(min).isBetween(400L, 405L);
    assertThat(max).isBetween(795L, 800L);
  }

  @Test
  void honoursRetryAfterPlusUpToTenPercent() {
    Duration twoSeconds = Duration.ofSeconds(2);

    assertThat(BACKOFF.delay(1, twoSeconds, fixed(0))).isEqualTo(twoSeconds);
    assertThat(BACKOFF.delay(1, twoSeconds, fixed(0.5))).isEqualTo(Duration.ofMillis(2100));
    assertThat(BACKOFF.delay(1, twoSeconds, fixed(ALMOST_ONE))).isEqualTo(Duration.ofMillis(2199));
  }

  @Test
  void retryAfterIgnoresTheAttemptAndTheCap() {
    Duration minute = Duration.ofMinutes(1);

    assertThat(BACKOFF.delay(1, minute, fixed(0))).isEqualTo(minute);
    assertThat(BACKOFF.delay(30, minute, fixed(0))).isEqualTo(minute);
  }

  @Test
  void spreadsShortRetryAfterOverAtLeastFiftyMilliseconds() {
    // 10% of 100 ms would be 10 ms: tasks told the same short wait still need spreading
    assertThat(BACKOFF.delay(1, Duration.ofMillis(100), fixed(ALMOST_ONE)))
        .isEqualTo(Duration.ofMillis(149));
    assertThat(BACKOFF.delay(1, Duration.ZERO, fixed(0))).isEqualTo(Duration.ZERO);
    assertThat(BACKOFF.delay(1, Duration.ZERO, fixed(ALMOST_ONE))).isEqualTo(Duration.ofMillis(49));
  }

  /** A random source whose {@code nextDouble()} is always {@code value}. */
  private static RandomGenerator fixed(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new UnsupportedOperationException("Backoff draws doubles only");
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }
}
