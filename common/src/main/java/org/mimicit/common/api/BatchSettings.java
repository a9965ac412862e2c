package org.mimicit.common.api;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;

/**
 * How an API stage sends its requests: online (one HTTP request each, answered at once), or through
 * the Batch API (request files uploaded, answered within the completion window at a lower price).
 *
 * @param mode {@link #ONLINE} or {@link #BATCH}
 * @param maxRequests requests per uploaded file (the API's limit: 50,000)
 * @param maxBytes bytes per uploaded file (the API's limit: 200 MB)
 * @param window the completion window; the API accepts only {@code 24h}
 * @param fallback where the requests a batch left unanswered go: {@link #BATCH} (a new batch) or
 *     {@link #ONLINE} (the online path)
 * @param pollInterval the first wait between two polls of the batches in flight
 * @param pollMax the longest wait between two polls (the wait grows while nothing changes)
 * @param pricePer1kTokens the batch price for {@code --dry-run}; negative: half the online price
 */
public record BatchSettings(
    String mode,
    int maxRequests,
    long maxBytes,
    String window,
    String fallback,
    Duration pollInterval,
    Duration pollMax,
    double pricePer1kTokens)
    implements Serializable {
  public static final String ONLINE = "online";
  public static final String BATCH = "batch";
  public static final int API_MAX_REQUESTS = 50_000;
  public static final long API_MAX_BYTES = 200L * 1000 * 1000;
  public static final String WINDOW = "24h";
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_POLL_MAX = Duration.ofMinutes(10);

  /** Online, as every stage ran before the Batch API was supported. */
  public static final BatchSettings ONLINE_MODE =
      new BatchSettings(
          ONLINE,
          API_MAX_REQUESTS,
          API_MAX_BYTES,
          WINDOW,
          BATCH,
          DEFAULT_POLL_INTERVAL,
          DEFAULT_POLL_MAX,
          -1);

  public BatchSettings {
    mode = mode == null ? ONLINE : mode.trim().toLowerCase(Locale.ROOT);
    fallback = fallback == null ? BATCH : fallback.trim().toLowerCase(Locale.ROOT);
    checkArgument(
        ONLINE.equals(mode) || BATCH.equals(mode),
        "Cannot set --mode to '%s': use online (one request at a time, the default) or batch (the"
            + " Batch API: answered within 24 h at about half the price).",
        mode);
    checkArgument(
        ONLINE.equals(fallback) || BATCH.equals(fallback),
        "Cannot set --batch-fallback to '%s': use batch (unanswered requests go into a new batch,"
            + " the default) or online.",
        fallback);
    checkArgument(
        maxRequests > 0 && maxRequests <= API_MAX_REQUESTS,
        "Cannot set --batch-max-requests to %s, the value must be in [1, %s] (the Batch API's limit"
            + " per file).",
        maxRequests,
        API_MAX_REQUESTS);
    checkArgument(
        maxBytes > 0 && maxBytes <= API_MAX_BYTES,
        "Cannot set --batch-max-bytes to %s, the value must be in [1, %s] (the Batch API's limit"
            + " per file: 200 MB).",
        maxBytes,
        API_MAX_BYTES);
    checkArgument(
        WINDOW.equals(window),
        "Cannot set --batch-window to '%s': the Batch API accepts only %s.",
        window,
        WINDOW);
    checkArgument(
        pollInterval != null && !pollInterval.isNegative() && !pollInterval.isZero(),
        "Cannot set --batch-poll-interval to %s, the value must be positive.",
        pollInterval);
    checkArgument(
        pollMax != null && pollMax.compareTo(pollInterval) >= 0,
        "Cannot set the longest poll interval to %s: it must be at least --batch-poll-interval"
            + " (%s).",
        pollMax,
        pollInterval);
  }

  public boolean batch() {
    return BATCH.equals(mode);
  }

  /** True when the requests batches leave unanswered go to the online path. */
  public boolean fallbackOnline() {
    return ONLINE.equals(fallback);
  }

  /** The batch price per 1k tokens: the one given, else half of {@code onlinePrice}. */
  public double price(double onlinePrice) {
    return pricePer1kTokens >= 0 ? pricePer1kTokens : onlinePrice / 2;
  }
}
