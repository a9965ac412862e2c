package org.mimicit.jobs.apistage;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.io.Serializable;

/**
 * The job-wide API budget: requests and tokens per minute and requests in flight, held for the
 * whole job by the driver's coordinator ({@link ApiCoordinatorService}), not split over tasks.
 */
public record ApiLimits(double requestsPerMinute, double tokensPerMinute, int maxConcurrency)
    implements Serializable {
  public ApiLimits {
    checkArgument(
        requestsPerMinute >= 0,
        "Cannot set --max-requests-per-minute to %s, the value must not be negative.",
        requestsPerMinute);
    checkArgument(
        tokensPerMinute >= 0,
        "Cannot set --max-tokens-per-minute to %s, the value must not be negative.",
        tokensPerMinute);
    checkArgument(
        maxConcurrency > 0,
        "Cannot set --max-concurrency to %s, the value must be positive.",
        maxConcurrency);
  }

  /** How many tasks run the requests: no more than the cores, the concurrency, or the work. */
  public int tasks(int cores, long batches) {
    return (int) Math.max(1, Math.min(Math.min(cores, maxConcurrency), Math.max(batches, 1)));
  }
}
