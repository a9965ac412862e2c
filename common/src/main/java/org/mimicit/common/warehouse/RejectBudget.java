package org.mimicit.common.warehouse;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.util.Locale;

/**
 * {@code --max-reject-ratio}: the share of rejected records above which a job commits nothing and
 * fails. Every job that commits a table checks its counts here, so they agree on when a run fails
 * and say it the same way.
 */
public record RejectBudget(double maxRatio) {
  /** The default of {@code --max-reject-ratio}. */
  public static final double DEFAULT_MAX_RATIO = 0.05;

  public RejectBudget {
    checkArgument(
        maxRatio >= 0 && maxRatio <= 1,
        "Cannot set --max-reject-ratio to %s, the value must be between 0 and 1.",
        maxRatio);
  }

  /** Whether {@code rejected} of {@code total} passes the ratio (never for an empty input). */
  public boolean exceededBy(long rejected, long total) {
    return total > 0 && (double) rejected / total > maxRatio;
  }

  /** {@code "2 of 3 records (66.7%)"}: the start of a failure message. */
  public static String share(long rejected, long total, String unit) {
    return String.format(
        Locale.ROOT, "%d of %d %s (%.1f%%)", rejected, total, unit, 100.0 * rejected / total);
  }
}
