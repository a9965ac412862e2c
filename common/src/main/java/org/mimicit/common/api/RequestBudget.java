package org.mimicit.common.api;

/**
 * Where requests get their permission to be sent: a start within the requests-per-minute and
 * tokens-per-minute limits and, where the budget also bounds concurrency, a slot. Either one task's
 * own {@link RateLimiter} or the job's whole budget held by an {@link ApiCoordinator}. Every {@link
 * #acquire} is followed by one {@link #release}, whatever became of the request.
 */
public interface RequestBudget {
  /** Waits until a request of {@code tokens} estimated tokens may be sent, and charges it. */
  void acquire(int tokens) throws InterruptedException;

  /**
   * The request acquired last by this thread has ended; {@code tokenDifference} (used minus
   * estimated tokens, 0 when unknown) corrects its charge.
   */
  void release(int tokenDifference);

  /** Holds every request of the budget back for {@code nanos} from now (a 429's Retry-After). */
  void pauseFor(long nanos);

  /**
   * No request of the budget can succeed ({@code fatal}: a wrong key, base or model): from now on
   * {@link #acquire} throws it, for every task of the job.
   */
  default void stop(ApiCallException fatal) {}
}
