package org.mimicit.common.api;

import static org.mimicit.common.error.Preconditions.checkArgument;

/**
 * Paces requests to a budget: requests per minute and tokens per minute, as a generic cell rate
 * algorithm without bursts (each request may start when the previous ones are paid for). A
 * request's tokens are charged from its estimate before it is sent and corrected from the reply's
 * usage. A 429 pauses every request of the limiter, not just the one. The job's limiter lives in
 * the {@link ApiCoordinator} on the driver; a limiter of its own serves a runner used alone.
 * Thread-safe; the clock is injectable for tests.
 */
public final class RateLimiter implements RequestBudget {
  /** Time as the limiter sees it. */
  public interface Clock {
    long nanoTime();

    void sleepNanos(long nanos) throws InterruptedException;

    Clock SYSTEM =
        new Clock() {
          @Override
          public long nanoTime() {
            return System.nanoTime();
          }

          @Override
          public void sleepNanos(long nanos) throws InterruptedException {
            if (nanos > 0) {
              Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
          }
        };
  }

  private static final double NANOS_PER_MINUTE = 60e9;

  private final Clock clock;
  private final double nanosPerRequest;
  private final double nanosPerToken;
  private double nextRequest;
  private double nextToken;
  private long pausedUntil;

  /**
   * @param requestsPerMinute 0 for no limit
   * @param tokensPerMinute 0 for no limit
   */
  public RateLimiter(double requestsPerMinute, double tokensPerMinute, Clock clock) {
    checkArgument(
        requestsPerMinute >= 0,
        "Cannot set requests per minute to %s, the value must not be negative.",
        requestsPerMinute);
    checkArgument(
        tokensPerMinute >= 0,
        "Cannot set tokens per minute to %s, the value must not be negative.",
        tokensPerMinute);
    this.clock = clock;
    this.nanosPerRequest = requestsPerMinute == 0 ? 0 : NANOS_PER_MINUTE / requestsPerMinute;
    this.nanosPerToken = tokensPerMinute == 0 ? 0 : NANOS_PER_MINUTE / tokensPerMinute;
    long now = clock.nanoTime();
    this.nextRequest = now;
    this.nextToken = now;
    this.pausedUntil = now;
  }

  /** Waits until a request of {@code tokens} estimated tokens may start, and charges it. */
  @Override
  public void acquire(int tokens) throws InterruptedException {
    long wait = reserve(tokens);
    clock.sleepNanos(wait);
  }

  /** Books the next free start for a request; returns how long the caller must wait for it. */
  public synchronized long reserve(int tokens) {
    long now = clock.nanoTime();
    double start = Math.max(now, Math.max(pausedUntil, Math.max(nextRequest, nextToken)));
    nextRequest = start + nanosPerRequest;
    nextToken = start + tokens * nanosPerToken;
    return (long) Math.ceil(start - now);
  }

  /** Corrects the charge of a sent request by the difference between used and estimated tokens. */
  public synchronized void correct(int tokenDifference) {
    nextToken += tokenDifference * nanosPerToken;
  }

  @Override
  public void release(int tokenDifference) {
    if (tokenDifference != 0) {
      correct(tokenDifference);
    }
  }

  /** Holds every request of this limiter back for {@code nanos} from now (a 429's Retry-After). */
  @Override
  public synchronized void pauseFor(long nanos) {
    pausedUntil = Math.max(pausedUntil, clock.nanoTime() + nanos);
  }
}
