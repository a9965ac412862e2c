package org.mimicit.jobs.multilingual;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.api.Prompt;
import org.mimicit.common.api.TranslationBatcher;
import org.mimicit.common.api.TranslationItem;
import org.mimicit.common.api.TranslationProtocol;
import org.mimicit.common.warehouse.SerializableConf;
import org.mimicit.jobs.apistage.ApiAccumulators;
import org.mimicit.jobs.apistage.ApiStageRun;
import org.mimicit.jobs.apistage.ApiStageSteps;
import org.mimicit.jobs.apistage.ApiTask;
import org.mimicit.jobs.apistage.ApiTask.ApiShare;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The translation stage's side of {@link ApiStageRun}: what differs from generation. */
final class TranslationSteps implements ApiStageSteps<ExpandMultilingualJob.Result> {
  private static final Logger LOG = LoggerFactory.getLogger(ExpandMultilingualJob.class);

  private final SparkSession spark;
  private final Configuration conf;
  private final ExpandMultilingualConfig config;
  private final Prompt prompt;
  private final List<String> tasks;
  private final Dataset<Row> units;
  private final long startedNanos;
  private final Instant started;

  TranslationSteps(
      SparkSession spark,
      Configuration conf,
      ExpandMultilingualConfig config,
      Prompt prompt,
      List<String> tasks,
      long startedNanos,
      Instant started) {
    this.spark = spark;
    this.conf = conf;
    this.config = config;
    this.prompt = prompt;
    this.tasks = tasks;
    this.units = TranslationInputs.units(spark, config, tasks, prompt.sha256());
    this.startedNanos = startedNanos;
    this.started = started;
  }

  @Override
  public Dataset<Row> readCache(List<String> cacheDirs) {
    return TranslationInputs.readCache(spark, conf, cacheDirs);
  }

  @Override
  public Dataset<Row> pending(Dataset<Row> cache) {
    return TranslationInputs.pendingItems(units, cache);
  }

  @Override
  public ApiStageRun.Pending countPending(Dataset<Row> items) {
    Row pending = items.agg(count(lit(1)), sum(size(col("units")))).first();
    long pendingItems = pending.getLong(0);
    long pendingUnits = pending.isNullAt(1) ? 0 : pending.getLong(1);
    LOG.info(
        "{}: {} text(s) x language(s) to ask for ({} distinct texts); the rest is in the cache",
        ExpandMultilingualJob.NAME,
        pendingUnits,
        pendingItems);
    return new ApiStageRun.Pending(pendingItems, pendingUnits);
  }

  @Override
  public ExpandMultilingualJob.Result dryRun(Dataset<Row> items, ApiStageRun.Pending work) {
    return new ExpandMultilingualJob.Result(
        work.units(),
        0,
        0,
        0,
        0,
        Map.of(),
        dryRun(items, config, prompt, work.batches(), work.units()));
  }

  @Override
  public ApiTask<?, ?> task(
      ApiShare share, String cacheDir, SerializableConf sconf, ApiAccumulators counts) {
    return new TranslationTask(
        config.api(),
        prompt,
        cacheDir,
        sconf,
        counts,
        share,
        config.batchItems(),
        config.cacheRollSeconds());
  }

  @Override
  public StructType failureSchema() {
    return TranslationTask.FAILURE_SCHEMA;
  }

  @Override
  public Column[] sortWithin() {
    return TranslationInputs.BY_LANGUAGES_THEN_ID;
  }

  @Override
  public void warnOffline(long pendingUnits) {
    LOG.warn(
        "{}: offline (no API base: give --api-base, or for this command alone OPENAI_API_BASE):"
            + " {} text(s) x language(s) not in the cache stay untranslated (offline); nothing"
            + " was sent",
        ExpandMultilingualJob.NAME,
        pendingUnits);
  }

  @Override
  public ExpandMultilingualJob.Result write(
      Dataset<Row> cache, Dataset<Row> failed, Path staging, ApiAccumulators counts) {
    ExpandMultilingualJob.Result result =
        new TranslationOutput(spark, conf, config, tasks)
            .write(units, cache, failed, staging, counts, startedNanos, started);
    LOG.info(
        "{}: {} of {} translated, {} rejected (api_failed), {} not translated offline; {}"
            + " requests",
        ExpandMultilingualJob.NAME,
        result.translated(),
        result.units(),
        result.rejected(),
        result.offline(),
        result.requests());
    return result;
  }

  /** Prints what a run would send: requests, estimated tokens, cost. Sends nothing. */
  private static String dryRun(
      Dataset<Row> items,
      ExpandMultilingualConfig config,
      Prompt prompt,
      long pendingItems,
      long pendingUnits) {
    int batchItems = config.batchItems();
    int maxOutput = config.api().maxOutputTokens();
    StructType planSchema = new StructType().add("requests", "long").add("tokens", "long");
    Row totals =
        items
            .sortWithinPartitions(TranslationInputs.BY_LANGUAGES_THEN_ID)
            .mapPartitions(requestPlan(batchItems, maxOutput, prompt), Encoders.row(planSchema))
            .agg(sum("requests"), sum("tokens"))
            .first();
    long requests = totals.isNullAt(0) ? 0 : totals.getLong(0);
    long tokens = totals.isNullAt(1) ? 0 : totals.getLong(1);
    double cost = tokens / 1000.0 * config.pricePer1kTokens();
    double batchPrice = config.batch().price(config.pricePer1kTokens());
    double minutes =
        config.limits().requestsPerMinute() > 0
            ? requests / config.limits().requestsPerMinute()
            : 0;
    if (config.limits().tokensPerMinute() > 0) {
      minutes = Math.max(minutes, tokens / config.limits().tokensPerMinute());
    }
    String summary =
        String.format(
            "%s --dry-run: %d text(s) x language(s) to translate (%d distinct texts) in %d"
                + " request(s) of up to %d item(s); about %d tokens; cost about $%.2f at $%s per 1k"
                + " tokens online, $%.2f with --mode batch (at $%s per 1k tokens, answered within"
                + " 24 h); at least %.0f minute(s) at the limits online. Nothing was sent.",
            ExpandMultilingualJob.NAME,
            pendingUnits,
            pendingItems,
            requests,
            batchItems,
            tokens,
            cost,
            config.pricePer1kTokens(),
            tokens / 1000.0 * batchPrice,
            batchPrice,
            Math.ceil(minutes));
    LOG.info(summary);
    return summary;
  }

  /** Per partition: the requests the rows make in batches, and their estimated tokens. */
  private static MapPartitionsFunction<Row, Row> requestPlan(
      int batchItems, int maxOutput, Prompt prompt) {
    return rows -> {
      TranslationBatcher batcher = new TranslationBatcher(batchItems, maxOutput);
      long requests = 0;
      long tokens = 0;
      while (rows.hasNext()) {
        List<TranslationItem> batch = batcher.add(TranslationTask.item(rows.next()));
        if (batch != null) {
          requests++;
          tokens += TranslationProtocol.request(prompt, batch, maxOutput).estimatedTokens();
        }
      }
      List<TranslationItem> last = batcher.flush();
      if (last != null) {
        requests++;
        tokens += TranslationProtocol.request(prompt, last, maxOutput).estimatedTokens();
      }
      return List.of(RowFactory.create(requests, tokens)).iterator();
    };
  }
}
