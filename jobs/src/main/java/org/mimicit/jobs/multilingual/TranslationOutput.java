package org.mimicit.jobs.multilingual;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.schema.RejectReason;
import org.mimicit.common.schema.RejectedSchema;
import org.mimicit.common.schema.TranslationSchema;
import org.mimicit.common.warehouse.JobStats;
import org.mimicit.common.warehouse.Partitions;
import org.mimicit.common.warehouse.RejectBudget;
import org.mimicit.common.warehouse.WarehouseCommitter;
import org.mimicit.jobs.apistage.ApiAccumulators;

/**
 * What the translation stage leaves behind: the translations of the run's tasks and languages from
 * the cache, the units given up on as rejected ({@code api_failed}), the reject check, the swap of
 * the partitions and {@code _stats/expand-multilingual.json}.
 */
final class TranslationOutput {
  private final SparkSession spark;
  private final Configuration conf;
  private final ExpandMultilingualConfig config;
  private final List<String> tasks;

  TranslationOutput(
      SparkSession spark, Configuration conf, ExpandMultilingualConfig config, List<String> tasks) {
    this.spark = spark;
    this.conf = conf;
    this.config = config;
    this.tasks = tasks;
  }

  /**
   * Writes the translations of the run's tasks and languages from the cache, and the units given up
   * on as rejected, into staging; checks the reject share; swaps the partitions in; writes stats.
   */
  ExpandMultilingualJob.Result write(
      Dataset<Row> units,
      Dataset<Row> cache,
      Dataset<Row> failed,
      Path staging,
      ApiAccumulators counts,
      long startedNanos,
      Instant started) {
    Dataset<Row> outcome = outcome(units, cache, failed).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      spark.sparkContext().setJobDescription("write translations");
      writeTranslations(outcome, staging);
      writeRejects(outcome, staging);
      List<Row> byTaskAndLang = countByTaskAndLang(outcome);
      long total = 0;
      long translated = 0;
      long rejected = 0;
      for (Row r : byTaskAndLang) {
        total += r.getLong(2);
        translated += r.getLong(3);
        rejected += r.getLong(4);
      }
      checkRejects(rejected, total);
      swap(staging);
      Map<String, Long> api = counts.values();
      ExpandMultilingualJob.Result result =
          new ExpandMultilingualJob.Result(
              total,
              translated,
              rejected,
              total - translated - rejected,
              api.get("requests"),
              api,
              null);
      JobStats.write(
          conf,
          config.warehouse(),
          ExpandMultilingualJob.NAME,
          ExpandStats.document(
              started,
              (System.nanoTime() - startedNanos) / 1_000_000,
              config,
              byTaskAndLang,
              result));
      return result;
    } catch (IOException e) {
      throw new MimicitException(
          e, "Cannot commit the translations in %s: %s", config.warehouse(), e.getMessage());
    } finally {
      spark.sparkContext().setJobDescription(null);
      outcome.unpersist();
    }
  }

  /** Each unit with its accepted answer ({@code a_*}) and its first failure ({@code f_*}). */
  private static Dataset<Row> outcome(Dataset<Row> units, Dataset<Row> cache, Dataset<Row> failed) {
    Dataset<Row> accepted =
        cache.select(
            col("key").as("a_key"),
            col("instruction").as("a_instruction"),
            col("answer").as("a_answer"),
            col("model").as("a_model"));
    Dataset<Row> failures =
        failed
            .groupBy("key")
            .agg(min("reason").as("f_reason"))
            .select(col("key").as("f_key"), col("f_reason"));
    return units
        .join(accepted, units.col("key").equalTo(accepted.col("a_key")), "left")
        .join(failures, units.col("key").equalTo(failures.col("f_key")), "left");
  }

  private void writeTranslations(Dataset<Row> outcome, Path staging) {
    outcome
        .where(col("a_key").isNotNull())
        .select(
            col(Partitions.TASK),
            col("lang"),
            col(InstructionSchema.INS_ID).as(TranslationSchema.INS_ID),
            col("a_instruction").as(TranslationSchema.INSTRUCTION),
            col("a_answer").as(TranslationSchema.ANSWER),
            coalesce(col("a_model"), lit(config.api().model())).as(TranslationSchema.MODEL),
            col("key").as(TranslationSchema.REQUEST_SHA256))
        .repartition(col(Partitions.TASK), col("lang"))
        .sortWithinPartitions(TranslationSchema.INS_ID)
        .write()
        .partitionBy(Partitions.TASK, TranslationSchema.LANG)
        .parquet(WarehouseCommitter.assembled(staging, TranslationSchema.TABLE).toString());
  }

  private void writeRejects(Dataset<Row> outcome, Path staging) {
    outcome
        .where(col("a_key").isNull().and(col("f_key").isNotNull()))
        .select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID).as(RejectedSchema.ID),
            lit(RejectReason.API_FAILED.code()).as(RejectedSchema.REASON),
            concat(lit("lang="), col("lang"), lit(": "), col("f_reason")).as(RejectedSchema.DETAIL),
            lit(ExpandMultilingualJob.NAME + " " + config.api().model()).as(RejectedSchema.SOURCE),
            lit(null).cast(DataTypes.LongType).as(RejectedSchema.SOURCE_OFFSET))
        .repartition(col(Partitions.TASK))
        .sortWithinPartitions(RejectedSchema.ID, RejectedSchema.DETAIL)
        .write()
        .partitionBy(Partitions.TASK)
        .parquet(
            WarehouseCommitter.assembled(staging, RejectedSchema.pathOf(TranslationSchema.TABLE))
                .toString());
  }

  /** Rows {@code task, lang, units, translated, rejected}, in task and language order. */
  private static List<Row> countByTaskAndLang(Dataset<Row> outcome) {
    return outcome
        .groupBy(Partitions.TASK, "lang")
        .agg(
            count(lit(1)).as("units"),
            count(col("a_key")).as("translated"),
            sum(when(col("a_key").isNull().and(col("f_key").isNotNull()), 1).otherwise(0))
                .as("rejected"))
        .orderBy(Partitions.TASK, "lang")
        .collectAsList();
  }

  private void checkRejects(long rejected, long total) {
    if (new RejectBudget(config.maxRejectRatio()).exceededBy(rejected, total)) {
      throw new MimicitException(
          "%s: %s failed (api_failed), more than --max-reject-ratio %s; nothing was committed."
              + " Accepted answers are kept in the cache, so a re-run asks only for the rest."
              + " First failures: see the log above.",
          ExpandMultilingualJob.NAME,
          RejectBudget.share(rejected, total, "translations"),
          config.maxRejectRatio());
    }
  }

  /** Swaps in every task and language partition of the run and its rejected partitions. */
  private void swap(Path staging) throws IOException {
    List<String> partitions = new ArrayList<>();
    for (String task : tasks) {
      for (String lang : config.languages()) {
        partitions.add(TranslationSchema.pathOf(task, lang));
      }
      partitions.add(Partitions.of(RejectedSchema.pathOf(TranslationSchema.TABLE), task));
    }
    WarehouseCommitter.swap(staging.getFileSystem(conf), config.warehouse(), staging, partitions);
  }
}
