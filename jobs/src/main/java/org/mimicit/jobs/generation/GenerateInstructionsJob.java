package org.mimicit.jobs.generation;

import java.time.Instant;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.mimicit.common.api.Prompt;
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
 * Syphus as a Spark job: for each annotation (an image's or video's annotations as text), a chat
 * request of the prompt's system message, its in-context examples and the annotation, whose reply
 * is a list of question-answer pairs. Input: annotations (JSON lines or Parquet: {@code id}, {@code
 * sentences}, optional {@code image_ids} and {@code prompt}) and Syphus prompt files. Output: new
 * rows in {@code instructions/task=<TASK>/}, {@code <TASK>_INS_<n>} numbered after the task's own
 * ids by annotation id then reply order, related to the other pairs of their annotation; unusable
 * annotations and failed requests in {@code rejected/generation/task=<TASK>/}. Requests go through
 * the same client, limits, retries, exactly-once cache ({@code _cache/api/generate/}) and progress
 * as the translation stage. A re-run replaces the rows generated before and numbers the same
 * replies the same.
 */
public final class GenerateInstructionsJob {
  public static final String NAME = "generate-instructions";
  static final String STAGE = "generate";
  static final String REJECTED_TABLE = "generation";
  private static final Logger LOG = LoggerFactory.getLogger(GenerateInstructionsJob.class);

  /** Syphus's sampling temperature. */
  public static final double SYPHUS_TEMPERATURE = 0.7;

  private GenerateInstructionsJob() {}

  public static void main(String[] args) {
    Launcher.main(NAME, args);
  }

  /** What the job did. */
  public record Result(
      long annotations,
      long generatedFrom,
      long pairs,
      long rejected,
      long offline,
      Map<String, Long> api,
      String dryRun) {}

  public static Result run(SparkSession spark, GenerateInstructionsConfig config) {
    long startedNanos = System.nanoTime();
    Instant started = Instant.now();
    Configuration conf = spark.sessionState().newHadoopConf();
    Map<String, Prompt> prompts = GenerationInputs.prompts(config.prompts(), conf);
    LOG.info(
        "{}: {} into task {} with prompt(s) {} and {}",
        NAME,
        config.annotations(),
        config.task(),
        prompts.keySet(),
        config.api());
    Dataset<Row> annotations =
        GenerationSteps.withKeys(
                GenerationInputs.annotations(spark, conf, config.annotations(), prompts),
                config.api().model(),
                prompts)
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return ApiStageRun.run(
          spark,
          new ApiStageRun.Settings(
              NAME,
              config.warehouse(),
              STAGE,
              REJECTED_TABLE,
              config.cacheFrom(),
              config.dryRun(),
              config.api().offline(),
              config.limits(),
              config.api().timeout(),
              config.batch()),
          new GenerationSteps(spark, conf, config, prompts, annotations, startedNanos, started));
    } finally {
      annotations.unpersist();
    }
  }

  /** {@code generate-instructions}. */
  @Command(
      name = NAME,
      mixinStandardHelpOptions = true,
      description = {
        "Syphus as a Spark job: new instruction-response pairs from annotations through a"
            + " chat-completions API, added to instructions/task=<TASK>/ as <TASK>_INS_<n>, exactly"
            + " once (replies are kept in <warehouse>/_cache/api/generate/ and never asked again).",
        "With no API configured, replies come only from the cache (and --cache-from)."
      })
  public static final class Cli implements JobCommand {
    @Spec CommandSpec spec;

    @Option(
        names = "--annotations",
        required = true,
        paramLabel = "PATH",
        description =
            "JSON lines or Parquet with id, sentences and optionally image_ids and prompt; local or"
                + " s3a://.")
    String annotations;

    @Option(
        names = "--prompts",
        required = true,
        paramLabel = "PATH",
        description =
            "A prompt file in Syphus's format, or a folder of them (then each annotation names its"
                + " prompt by file name in 'prompt'), e.g. conf/prompts/dense_captions.json.")
    String prompts;

    @Option(
        names = "--task",
        required = true,
        paramLabel = "TASK",
        description = "The task the pairs belong to, e.g. DC.")
    String task;

    @Option(
        names = "--warehouse",
        required = true,
        paramLabel = "DIR",
        description = "The warehouse root; local or s3a://.")
    String warehouse;

    @Option(
        names = "--json-replies",
        description =
            "Send response_format {\"type\":\"json_object\"} and read replies as JSON (the prompt"
                + " must ask for JSON).")
    boolean jsonReplies;

    @Option(
        names = "--max-reject-ratio",
        paramLabel = "R",
        defaultValue = "" + RejectBudget.DEFAULT_MAX_RATIO,
        description =
            "Fail, committing nothing, when more than this share of annotations is rejected"
                + " (default: ${DEFAULT-VALUE}).")
    double maxRejectRatio;

    @Mixin ApiOptions api;

    @Mixin ApiRunOptions run;

    @Mixin BatchOptions batch;

    @Mixin SparkOptions spark;

    @Override
    public Integer call() {
      GenerateInstructionsConfig config =
          new GenerateInstructionsConfig(
              annotations,
              prompts,
              task,
              warehouse,
              api.settings(System.getenv(), SYPHUS_TEMPERATURE).withJsonResponseFormat(jsonReplies),
              api.limits(),
              run.cacheFrom(),
              run.dryRun(),
              api.pricePer1kTokens(),
              maxRejectRatio,
              run.cacheRollSeconds(),
              batch.settings());
      ApiRunOptions.printDryRun(
          spec, GenerateInstructionsJob.run(JobSession.start(NAME, spark.conf()), config).dryRun());
      return 0;
    }
  }
}
