package org.mimicit.common.api;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long to wait before attempt {@code n + 1}: the server's Retry-After when it gave one (plus up
 * to 10% jitter, so that tasks told the same time do not return together), else exponential backoff
 * from {@code base}, capped at {@code max}, with equal jitter (half fixed, half random).
 */
public record Backoff(Duration base, Duration max) {
  public Duration delay(int attempt, Duration retryAfter, RandomGenerator random) {
    if (retryAfter != null) {
      long ms = retryAfter.toMillis();
      return Duration.ofMillis(ms + (long) (random.nextDouble() * Math.max(ms / 10, 50)));
    }
    long exp = base.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
    long capped = Math.min(exp, max.toMillis());
    return Duration.ofMillis(capped / 2 + (long) (random.nextDouble() * (capped / 2 + 1)));
  }
}
