package org.mimicit.jobs.cli;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.time.Duration;
import org.mimicit.common.api.BatchSettings;
import picocli.CommandLine.Option;

/**
 * The options of the Batch API mode ({@code --mode batch}) of the commands that call an API: the
 * limits of one request file, the completion window, where unanswered requests go, how often the
 * batches are polled, and the batch price of {@code --dry-run}.
 */
public final class BatchOptions {
  @Option(
      names = "--mode",
      paramLabel = "MODE",
      defaultValue = BatchSettings.ONLINE,
      description =
          "online (one request at a time, answered at once) or batch (OpenAI's or Azure's Batch"
              + " API: request files answered within 24 h at about half the price; exactly once"
              + " across kills as online) (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--batch-max-requests",
      paramLabel = "N",
      defaultValue = "" + BatchSettings.API_MAX_REQUESTS,
      description =
          "Requests per batch file, at most the API's 50,000 (default: ${DEFAULT-VALUE}).")
  int maxRequests;

  @Option(
      names = "--batch-max-bytes",
      paramLabel = "BYTES",
      defaultValue = "" + BatchSettings.API_MAX_BYTES,
      description = "Bytes per batch file, at most the API's 200 MB (default: ${DEFAULT-VALUE}).")
  long maxBytes;

  @Option(
      names = "--batch-window",
      paramLabel = "WINDOW",
      defaultValue = BatchSettings.WINDOW,
      description = "The completion window; the API accepts only 24h (default: ${DEFAULT-VALUE}).")
  String window;

  @Option(
      names = "--batch-fallback",
      paramLabel = "PATH",
      defaultValue = BatchSettings.BATCH,
      description =
          "Where requests a batch left unanswered (expired, failed, error lines, rejected replies)"
              + " go: batch (a new batch) or online (default: ${DEFAULT-VALUE}); up to"
              + " --max-attempts, then api_failed.")
  String fallback;

  @Option(
      names = "--batch-poll-interval",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description =
          "The first wait between polls of the batches in flight; it grows to 10 minutes while"
              + " nothing moves (default: ${DEFAULT-VALUE}).")
  double pollSeconds;

  @Option(
      names = "--price-per-1k-tokens-batch",
      paramLabel = "USD",
      description =
          "The Batch API's price for the --dry-run estimate (default: half of"
              + " --price-per-1k-tokens).")
  Double pricePer1kTokens;

  /** The settings these options give. */
  public BatchSettings settings() {
    checkArgument(
        pollSeconds > 0,
        "Cannot set --batch-poll-interval to %s, the value must be positive.",
        pollSeconds);
    checkArgument(
        pricePer1kTokens == null || pricePer1kTokens >= 0,
        "Cannot set --price-per-1k-tokens-batch to %s, the value must not be negative.",
        pricePer1kTokens);
    Duration poll = Duration.ofMillis(Math.max(1, (long) (pollSeconds * 1000)));
    return new BatchSettings(
        mode,
        maxRequests,
        maxBytes,
        window,
        fallback,
        poll,
        poll.compareTo(BatchSettings.DEFAULT_POLL_MAX) > 0 ? poll : BatchSettings.DEFAULT_POLL_MAX,
        pricePer1kTokens == null ? -1 : pricePer1kTokens);
  }
}
