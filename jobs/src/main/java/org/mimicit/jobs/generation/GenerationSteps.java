package org.mimicit.jobs.generation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.api.Annotation;
import org.mimicit.common.api.GenerationWork;
import org.mimicit.common.api.Prompt;
import org.mimicit.common.api.RequestKey;
import org.mimicit.common.warehouse.SerializableConf;
import org.mimicit.jobs.apistage.ApiAccumulators;
import org.mimicit.jobs.apistage.ApiStage;
import org.mimicit.jobs.apistage.ApiStageRun;
import org.mimicit.jobs.apistage.ApiStageSteps;
import org.mimicit.jobs.apistage.ApiTask;
import org.mimicit.jobs.apistage.ApiTask.ApiShare;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The generation stage's side of {@link ApiStageRun}: what differs from translation. */
final class GenerationSteps implements ApiStageSteps<GenerateInstructionsJob.Result> {
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

  private final SparkSession spark;
  private final Configuration conf;
  private final GenerateInstructionsConfig config;
  private final Map<String, Prompt> prompts;
  private final Dataset<Row> annotations;
  private final long startedNanos;
  private final Instant started;

  /** {@code annotations}: with their cache keys ({@link #withKeys}), persisted by the caller. */
  GenerationSteps(
      SparkSession spark,
      Configuration conf,
      GenerateInstructionsConfig config,
      Map<String, Prompt> prompts,
      Dataset<Row> annotations,
      long startedNanos,
      Instant started) {
    this.spark = spark;
    this.conf = conf;
    this.config = config;
    this.prompts = prompts;
    this.annotations = annotations;
    this.startedNanos = startedNanos;
    this.started = started;
  }

  @Override
  public Dataset<Row> readCache(List<String> cacheDirs) {
    return readCache(spark, conf, cacheDirs);
  }

  @Override
  public Dataset<Row> pending(Dataset<Row> cache) {
    return annotations
        .where(col("reason").isNull())
        .select("id", "sentences", "prompt", "key")
        .dropDuplicates("key")
        .alias("a")
        .join(cache.select("key").alias("c"), col("a.key").equalTo(col("c.key")), "left_anti");
  }

  @Override
  public ApiStageRun.Pending countPending(Dataset<Row> pending) {
    long toAsk = pending.count();
    LOG.info(
        "{}: {} annotation(s) to ask for; the rest is in the cache or unusable",
        GenerateInstructionsJob.NAME,
        toAsk);
    return new ApiStageRun.Pending(toAsk, toAsk);
  }

  @Override
  public GenerateInstructionsJob.Result dryRun(Dataset<Row> pending, ApiStageRun.Pending work) {
    return new GenerateInstructionsJob.Result(
        work.units(), 0, 0, 0, 0, Map.of(), dryRun(pending, config, prompts, work.units()));
  }

  @Override
  public ApiTask<?, ?> task(
      ApiShare share, String cacheDir, SerializableConf sconf, ApiAccumulators counts) {
    return new GenerationTask(
        config.api(), prompts, cacheDir, sconf, counts, share, config.cacheRollSeconds());
  }

  @Override
  public StructType failureSchema() {
    return GenerationTask.FAILURE_SCHEMA;
  }

  @Override
  public Column[] sortWithin() {
    return new Column[] {col("id")};
  }

  @Override
  public void warnOffline(long toAsk) {
    LOG.warn(
        "{}: offline (no API base: give --api-base, or for this command alone OPENAI_API_BASE):"
            + " {} annotation(s) with no recorded reply are not generated (offline); nothing"
            + " was sent",
        GenerateInstructionsJob.NAME,
        toAsk);
  }

  @Override
  public GenerateInstructionsJob.Result write(
      Dataset<Row> cache, Dataset<Row> failed, Path staging, ApiAccumulators counts) {
    return GenerationOutput.write(
        spark, conf, config, annotations, cache, failed, staging, counts, startedNanos, started);
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
    double batchPrice = config.batch().price(config.pricePer1kTokens());
    String summary =
        String.format(
            "%s --dry-run: %d annotation(s) to ask for, one request each; about %d tokens (with up"
                + " to %d output tokens per request, %d expected); cost about $%.2f at $%s per 1k"
                + " tokens online, $%.2f with --mode batch (at $%s per 1k tokens, answered within"
                + " 24 h). Nothing was sent.",
            GenerateInstructionsJob.NAME,
            toAsk,
            tokens,
            maxOutput,
            Math.min(maxOutput, 600),
            cost,
            config.pricePer1kTokens(),
            tokens / 1000.0 * batchPrice,
            batchPrice);
    LOG.info(summary);
    return summary;
  }
}
