package org.mimicit.common.api;

import java.io.Serializable;

/** What the API stage counts as it goes; the job shows these as progress and in its stats. */
public interface ApiMetrics extends Serializable {
  /** A request sent; {@code retry} when it is not the first attempt of its items. */
  void sent(boolean retry);

  /** An HTTP 429. */
  void rateLimited();

  /** A failed attempt other than 429 (5xx, timeout, bad or unacceptable reply). */
  void failedAttempt();

  void tokens(int prompt, int completion);

  /** Units (item and language, or annotation) accepted and persisted. */
  void accepted(int units);

  /** Units given up on ({@code api_failed}). */
  void rejected(int units);
}
