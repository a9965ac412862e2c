package org.mimicit.jobs.multilingual;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.mimicit.common.api.ApiSettings;
import org.mimicit.common.api.BatchSettings;
import org.mimicit.jobs.apistage.ApiLimits;

/**
 * What {@code expand-multilingual} does; validated on construction.
 *
 * @param cacheFrom read-only cache folders or files consulted besides the warehouse's own
 * @param prompt a prompt file in Syphus's format, or null for {@code conf/prompts/translate.json}
 * @param batch online, or the Batch API ({@code --mode batch}) and its settings
 */
public record ExpandMultilingualConfig(
    String warehouse,
    Set<String> tasks,
    List<String> languages,
    ApiSettings api,
    ApiLimits limits,
    int batchItems,
    String prompt,
    List<String> cacheFrom,
    boolean dryRun,
    double pricePer1kTokens,
    double maxRejectRatio,
    int cacheRollSeconds,
    BatchSettings batch) {
  /** Items (texts) per request by default ({@code --batch-items}). */
  public static final int DEFAULT_BATCH_ITEMS = 4;

  /** Online, as before the Batch API mode. */
  public ExpandMultilingualConfig(
      String warehouse,
      Set<String> tasks,
      List<String> languages,
      ApiSettings api,
      ApiLimits limits,
      int batchItems,
      String prompt,
      List<String> cacheFrom,
      boolean dryRun,
      double pricePer1kTokens,
      double maxRejectRatio,
      int cacheRollSeconds) {
    this(
        warehouse,
        tasks,
        languages,
        api,
        limits,
        batchItems,
        prompt,
        cacheFrom,
        dryRun,
        pricePer1kTokens,
        maxRejectRatio,
        cacheRollSeconds,
        BatchSettings.ONLINE_MODE);
  }

  public static final List<String> DEFAULT_LANGUAGES =
      List.of("zh", "ja", "ko", "de", "fr", "es", "ar");
  private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");

  public ExpandMultilingualConfig {
    checkArgument(
        warehouse != null && !warehouse.isBlank(), "Cannot translate: --warehouse is empty.");
    checkArgument(
        languages != null && !languages.isEmpty(),
        "Cannot translate into no language: give --languages.");
    for (String lang : languages) {
      checkArgument(
          LANGUAGE.matcher(lang).matches(),
          "Cannot translate into '%s': use language codes such as zh, ja, ko, de, fr, es, ar.",
          lang);
      checkArgument(!lang.equals("en"), "Cannot translate into 'en': it is the source language.");
    }
    checkArgument(
        Set.copyOf(languages).size() == languages.size(),
        "Cannot use --languages %s: a language " + "is named twice.",
        String.join(",", languages));
    checkArgument(
        batchItems > 0, "Cannot set --batch-items to %s, the value must be positive.", batchItems);
    checkArgument(
        pricePer1kTokens >= 0,
        "Cannot set --price-per-1k-tokens to %s, the value must not be negative.",
        pricePer1kTokens);
    checkArgument(
        maxRejectRatio >= 0 && maxRejectRatio <= 1,
        "Cannot set --max-reject-ratio to %s, the value must be in [0, 1].",
        maxRejectRatio);
    checkArgument(
        cacheRollSeconds > 0,
        "Cannot set the cache roll interval to %s s, the value must be positive.",
        cacheRollSeconds);
    batch = batch == null ? BatchSettings.ONLINE_MODE : batch;
    checkArgument(
        !batch.batch() || !api.offline() || dryRun,
        "Cannot translate with --mode batch offline: the Batch API needs an API base. Give"
            + " --api-base (or OPENAI_API_BASE) and no --offline, or use --mode online.");
    tasks = Set.copyOf(tasks);
    languages = List.copyOf(languages);
    cacheFrom = List.copyOf(cacheFrom);
  }
}
