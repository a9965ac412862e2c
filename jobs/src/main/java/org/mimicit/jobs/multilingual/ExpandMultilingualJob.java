package org.mimicit.jobs.multilingual;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.mimicit.common.api.Prompt;
import org.mimicit.common.schema.TranslationSchema;
import org.mimicit.common.warehouse.RejectBudget;
import org.mimicit.jobs.apistage.ApiStageRun;
import org.mimicit.jobs.cli.ApiOptions;
import org.mimicit.jobs.cli.ApiRunOptions;
import org.mimicit.jobs.cli.BatchOptions;
import org.mimicit.jobs.cli.JobCommand;
import org.mimicit.jobs.cli.Launcher;
import org.mimicit.jobs.cli.SparkOptions;
import org.mimicit.jobs.session.JobSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Translates every instruction and answer into the chosen languages through a chat-completions API.
 * Input: the {@code instructions} table and the API cache ({@code _cache/api/translate/}, plus
 * read-only {@code --cache-from} folders). Output: {@code translations/task=<TASK>/lang=<LANG>/}
 * and {@code rejected/translations/task=<TASK>/} ({@code api_failed}). Requests are sent from the
 * executors within the job's limits; each accepted answer is in the cache before it counts, keyed
 * by the SHA-256 of its request content, so a re-run (after a kill, a failure, or with another task
 * count) sends nothing already accepted, and identical texts are asked once. Re-running replaces
 * only the task and language partitions of the run.
 */
public final class ExpandMultilingualJob {
  public static final String NAME = "expand-multilingual";
  static final String STAGE = "translate";
  private static final Logger LOG = LoggerFactory.getLogger(ExpandMultilingualJob.class);

  private ExpandMultilingualJob() {}

  public static void main(String[] args) {
    Launcher.main(NAME, args);
  }

  /** What the job did: units (instruction and language) by outcome, and the API's counts. */
  public record Result(
      long units,
      long translated,
      long rejected,
      long offline,
      long requests,
      Map<String, Long> api,
      String dryRun) {}

  public static Result run(SparkSession spark, ExpandMultilingualConfig config) {
    long startedNanos = System.nanoTime();
    Instant started = Instant.now();
    Configuration conf = spark.sessionState().newHadoopConf();
    Prompt prompt =
        config.prompt() == null ? Prompt.defaultTranslation() : Prompt.read(config.prompt(), conf);
    List<String> tasks = TranslationInputs.tasks(conf, config);
    LOG.info(
        "{}: tasks {} into {} with {} (prompt {})",
        NAME,
        tasks,
        config.languages(),
        config.api(),
        prompt.name());
    return ApiStageRun.run(
        spark,
        new ApiStageRun.Settings(
            NAME,
            config.warehouse(),
            STAGE,
            TranslationSchema.TABLE,
            config.cacheFrom(),
            config.dryRun(),
            config.api().offline(),
            config.limits(),
            config.api().timeout(),
            config.batch()),
        new TranslationSteps(spark, conf, config, prompt, tasks, startedNanos, started));
  }

  /** {@code expand-multilingual}. */
  @Command(
      name = NAME,
      mixinStandardHelpOptions = true,
      description = {
        "Translates instructions and answers through a chat-completions API (OpenAI-compatible or"
            + " Azure) into translations/task=<TASK>/lang=<LANG>/, exactly once: accepted answers"
            + " are kept in <warehouse>/_cache/api/ and never asked again.",
        "With no API configured, answers come only from the cache (and --cache-from)."
      })
  public static final class Cli implements JobCommand {
    @Spec CommandSpec spec;

    @Option(
        names = "--warehouse",
        required = true,
        paramLabel = "DIR",
        description = "The warehouse root; local or s3a://.")
    String warehouse;

    @Option(
        names = "--tasks",
        split = ",",
        paramLabel = "TASK",
        description = "Only these tasks (default: every task of the instructions table).")
    List<String> tasks = List.of();

    @Option(
        names = "--languages",
        split = ",",
        paramLabel = "LANG",
        description = "Target languages (default: zh,ja,ko,de,fr,es,ar).")
    List<String> languages = ExpandMultilingualConfig.DEFAULT_LANGUAGES;

    @Option(
        names = "--batch-items",
        paramLabel = "N",
        defaultValue = "" + ExpandMultilingualConfig.DEFAULT_BATCH_ITEMS,
        description =
            "Instructions per request (default: ${DEFAULT-VALUE}); fewer when they would not fit"
                + " max_tokens.")
    int batchItems;

    @Option(
        names = "--prompt",
        paramLabel = "FILE",
        description =
            "A prompt file in Syphus's format (default: conf/prompts/translate.json, as packaged)."
                + " Part of every cache key.")
    String prompt;

    @Option(
        names = "--max-reject-ratio",
        paramLabel = "R",
        defaultValue = "" + RejectBudget.DEFAULT_MAX_RATIO,
        description =
            "Fail, committing nothing, when more than this share of translations fails (default:"
                + " ${DEFAULT-VALUE}).")
    double maxRejectRatio;

    @Mixin ApiOptions api;

    @Mixin ApiRunOptions run;

    @Mixin BatchOptions batch;

    @Mixin SparkOptions spark;

    ExpandMultilingualConfig config() {
      return new ExpandMultilingualConfig(
          warehouse,
          new LinkedHashSet<>(tasks),
          languages,
          api.settings(System.getenv()),
          api.limits(),
          batchItems,
          prompt,
          run.cacheFrom(),
          run.dryRun(),
          api.pricePer1kTokens(),
          maxRejectRatio,
          run.cacheRollSeconds(),
          batch.settings());
    }

    @Override
    public Integer call() {
      ApiRunOptions.printDryRun(
          spec, ExpandMultilingualJob.run(JobSession.start(NAME, spark.conf()), config()).dryRun());
      return 0;
    }
  }
}
