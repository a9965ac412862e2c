package org.mimicit.jobs.generation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.mimicit.common.api.Annotation;
import org.mimicit.common.api.ApiCacheWriter;
import org.mimicit.common.api.GenerationWork;
import org.mimicit.common.api.Prompt;
import org.mimicit.common.api.RequestKey;
import org.mimicit.common.warehouse.SerializableConf;
import org.mimicit.common.warehouse.WarehouseCommitter;
import org.mimicit.jobs.apistage.ApiAccumulators;
import org.mimicit.jobs.apistage.ApiStage;
import org.mimicit.jobs.cli.ApiOptions;
import org.mimicit.jobs.cli.ApiRunOptions;
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
  private static final StructType CACHE_SCHEMA =
      new StructType()
          .add("key", "string")
          .add("id", "string")
          .add("model", "string")
          .add(
              "pairs",
              DataTypes.createArrayType(
                  new StructType().add("instruction", "string").add("answer", "string")));

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
        withKeys(
                GenerationInputs.annotations(spark, conf, config.annotations(), prompts),
                config.api().model(),
                prompts)
            .persist(StorageLevel.MEMORY_AND_DISK());
    String cacheDir = ApiCacheWriter.dirOf(config.warehouse(), STAGE);
    List<String> cacheDirs = ApiStage.cacheDirs(conf, config.cacheFrom(), cacheDir);
    Path staging = WarehouseCommitter.newStaging(config.warehouse(), REJECTED_TABLE);
    ApiAccumulators counts = new ApiAccumulators(spark.sparkContext());
    try {
      Dataset<Row> pending =
          annotations
              .where(col("reason").isNull())
              .select("id", "sentences", "prompt", "key")
              .dropDuplicates("key")
              .alias("a")
              .join(
                  readCache(spark, conf, cacheDirs).select("key").alias("c"),
                  col("a.key").equalTo(col("c.key")),
                  "left_anti")
              .persist(StorageLevel.MEMORY_AND_DISK());
      long toAsk = pending.count();
      LOG.info(
          "{}: {} annotation(s) to ask for; the rest is in the cache or unusable", NAME, toAsk);
      if (config.dryRun()) {
        return new Result(toAsk, 0, 0, 0, 0, Map.of(), dryRun(pending, config, prompts, toAsk));
      }
      Path failures = new Path(staging, "failures");
      boolean asked = toAsk > 0 && !config.api().offline();
      if (asked) {
        SerializableConf sconf = new SerializableConf(conf);
        ApiStage.call(
            spark,
            NAME,
            pending,
            toAsk,
            toAsk,
            config.limits(),
            counts,
            share ->
                new GenerationTask(
                    config.api(),
                    prompts,
                    cacheDir,
                    sconf,
                    counts,
                    share,
                    config.cacheRollSeconds()),
            GenerationTask.FAILURE_SCHEMA,
            failures,
            col("id"));
      } else if (toAsk > 0) {
        LOG.warn(
            "{}: offline (no API base: give --api-base, or for this command alone OPENAI_API_BASE):"
                + " {} annotation(s) with no recorded reply are not generated (offline); nothing"
                + " was sent",
            NAME,
            toAsk);
      }
      pending.unpersist();
      Dataset<Row> failed =
          asked
              ? spark.read().parquet(failures.toString())
              : spark.createDataFrame(List.of(), GenerationTask.FAILURE_SCHEMA);
      return GenerationOutput.write(
          spark,
          conf,
          config,
          annotations,
          readCache(spark, conf, cacheDirs),
          failed,
          staging,
          counts,
          startedNanos,
          started);
    } finally {
      annotations.unpersist();
      WarehouseCommitter.deleteStaging(conf, staging);
    }
  }

  /** Adds each annotation's cache key: model, prompt, sentences. */
  static Dataset<Row> withKeys(
      Dataset<Row> annotations, String model, Map<String, Prompt> prompts) {
    Map<String, String> shas = new HashMap<>();
    prompts.forEach((name, p) -> shas.put(name, p.sha256()));
    UserDefinedFunction key =
        udf(
            (UDF2<String, String, String>)
                (prompt, sentences) ->
                    prompt == null || sentences == null || !shas.containsKey(prompt)
                        ? null
                        : RequestKey.of("mimicit-generate-v1", model, shas.get(prompt), sentences),
            DataTypes.StringType);
    return annotations.withColumn("key", key.apply(col("prompt"), col("sentences")));
  }

  static Dataset<Row> readCache(SparkSession spark, Configuration conf, List<String> dirs) {
    return ApiStage.readCache(spark, conf, dirs, CACHE_SCHEMA, "pairs");
  }

  private static String dryRun(
      Dataset<Row> pending,
      GenerateInstructionsConfig config,
      Map<String, Prompt> prompts,
      long toAsk) {
    int maxOutput = config.api().maxOutputTokens();
    long tokens =
        pending
            .javaRDD()
            .map(
                r ->
                    (long)
                        GenerationWork.request(
                                prompts.get(r.getString(2)),
                                new Annotation(
                                    r.getString(0), r.getString(1), r.getString(2), r.getString(3)),
                                maxOutput)
                            .estimatedTokens())
            .fold(0L, Long::sum);
    double cost = tokens / 1000.0 * config.pricePer1kTokens();
    String summary =
        String.format(
            "%s --dry-run: %d annotation(s) to ask for, one request each; about %d tokens (with up"
                + " to %d output tokens per request, %d expected); cost about $%.2f at $%s per 1k"
                + " tokens. Nothing was sent.",
            NAME,
            toAsk,
            tokens,
            maxOutput,
            Math.min(maxOutput, 600),
            cost,
            config.pricePer1kTokens());
    LOG.info(summary);
    return summary;
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
        defaultValue = "0.05",
        description =
            "Fail, committing nothing, when more than this share of annotations is rejected"
                + " (default: ${DEFAULT-VALUE}).")
    double maxRejectRatio;

    @Mixin ApiOptions api;

    @Mixin ApiRunOptions run;

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
              run.cacheRollSeconds());
      ApiRunOptions.printDryRun(
          spec, GenerateInstructionsJob.run(JobSession.start(NAME, spark.conf()), config).dryRun());
      return 0;
    }
  }
}
