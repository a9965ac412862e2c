package org.mimicit.jobs.generation;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.util.List;
import java.util.regex.Pattern;
import org.mimicit.common.api.ApiSettings;
import org.mimicit.common.api.BatchSettings;
import org.mimicit.jobs.apistage.ApiLimits;

/**
 * What {@code generate-instructions} does; validated on construction.
 *
 * @param annotations JSON lines or Parquet with {@code id} and {@code sentences}
 * @param prompts a Syphus prompt file, or a folder of them
 * @param batch online, or the Batch API ({@code --mode batch}) and its settings
 */
public record GenerateInstructionsConfig(
    String annotations,
    String prompts,
    String task,
    String warehouse,
    ApiSettings api,
    ApiLimits limits,
    List<String> cacheFrom,
    boolean dryRun,
    double pricePer1kTokens,
    double maxRejectRatio,
    int cacheRollSeconds,
    BatchSettings batch) {
  /** Online, as before the Batch API mode. */
  public GenerateInstructionsConfig(
      String annotations,
      String prompts,
      String task,
      String warehouse,
      ApiSettings api,
      ApiLimits limits,
      List<String> cacheFrom,
      boolean dryRun,
      double pricePer1kTokens,
      double maxRejectRatio,
      int cacheRollSeconds) {
    this(
        annotations,
        prompts,
        task,
        warehouse,
        api,
        limits,
        cacheFrom,
        dryRun,
        pricePer1kTokens,
        maxRejectRatio,
        cacheRollSeconds,
        BatchSettings.ONLINE_MODE);
  }

  private static final Pattern TASK = Pattern.compile("[A-Za-z0-9]+");

  public GenerateInstructionsConfig {
    checkArgument(
        annotations != null && !annotations.isBlank(), "Cannot generate: --annotations is empty.");
    checkArgument(prompts != null && !prompts.isBlank(), "Cannot generate: --prompts is empty.");
    checkArgument(
        task != null && TASK.matcher(task).matches(),
        "Cannot generate into task '%s': a task name is letters and digits, e.g. DC or SD.",
        task);
    checkArgument(
        warehouse != null && !warehouse.isBlank(), "Cannot generate: --warehouse is empty.");
    checkArgument(
        maxRejectRatio >= 0 && maxRejectRatio <= 1,
        "Cannot set --max-reject-ratio to %s, the value must be in [0, 1].",
        maxRejectRatio);
    checkArgument(
        pricePer1kTokens >= 0,
        "Cannot set --price-per-1k-tokens to %s, the value must not be negative.",
        pricePer1kTokens);
    checkArgument(
        cacheRollSeconds > 0,
        "Cannot set the cache roll interval to %s s, the value must be positive.",
        cacheRollSeconds);
    batch = batch == null ? BatchSettings.ONLINE_MODE : batch;
    checkArgument(
        !batch.batch() || !api.offline() || dryRun,
        "Cannot generate with --mode batch offline: the Batch API needs an API base. Give"
            + " --api-base (or OPENAI_API_BASE) and no --offline, or use --mode online.");
    cacheFrom = List.copyOf(cacheFrom);
  }
}
