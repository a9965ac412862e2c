package org.mimicit.jobs.generation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
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
import org.mimicit.common.warehouse.JobStats;
import org.mimicit.common.warehouse.Partitions;
import org.mimicit.common.warehouse.RejectBudget;
import org.mimicit.common.warehouse.WarehouseCommitter;
import org.mimicit.jobs.apistage.ApiAccumulators;
import org.mimicit.jobs.generation.GenerateInstructionsJob.Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns accepted replies into instruction rows with their ids, merges them with the task's own rows
 * (replacing what was generated before), writes the rejected annotations, and commits both
 * partitions by swapping them in.
 */
final class GenerationOutput {
  private static final Logger LOG = LoggerFactory.getLogger(GenerationOutput.class);

  private GenerationOutput() {}

  static Result write(
      SparkSession spark,
      Configuration conf,
      GenerateInstructionsConfig config,
      Dataset<Row> annotations,
      Dataset<Row> cache,
      Dataset<Row> failed,
      Path staging,
      ApiAccumulators counts,
      long startedNanos,
      Instant started) {
    String task = config.task();
    String partition = Partitions.of(InstructionSchema.TABLE, task);
    String rejectedPartition =
        Partitions.of(RejectedSchema.pathOf(GenerateInstructionsJob.REJECTED_TABLE), task);
    Dataset<Row> existing = existing(spark, conf, config.warehouse(), partition);
    GeneratedIds ids = GeneratedIds.after(existing, task);
    Dataset<Row> good = annotations.where(col("reason").isNull());
    Dataset<Row> replies =
        cache.select(col("key").as("c_key"), col("model").as("c_model"), col("pairs"));
    Dataset<Row> generated =
        GeneratedRows.generated(spark, good, replies, ids).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> rejected = rejected(annotations, good, replies, failed, config);
    try {
      spark.sparkContext().setJobDescription("write generated instructions");
      writeStaged(
          GeneratedRows.newRows(generated, config),
          existing,
          rejected,
          staging,
          partition,
          rejectedPartition);
      Result result =
          commit(
              spark,
              conf,
              config,
              annotations,
              generated,
              staging,
              counts,
              partition,
              rejectedPartition);
      JobStats.write(
          conf,
          config.warehouse(),
          GenerateInstructionsJob.NAME,
          stats(started, (System.nanoTime() - startedNanos) / 1_000_000, config, ids, result));
      log(result, ids);
      return result;
    } catch (IOException e) {
      throw new MimicitException(
          e,
          "Cannot commit the generated instructions in %s: %s",
          config.warehouse(),
          e.getMessage());
    } finally {
      spark.sparkContext().setJobDescription(null);
      generated.unpersist();
    }
  }

  /**
   * Writes into staging the task's partition (the new rows and the task's own rows, without those
   * generated before) and the rejected annotations.
   */
  private static void writeStaged(
      Dataset<Row> newRows,
      Dataset<Row> existing,
      Dataset<Row> rejected,
      Path staging,
      String partition,
      String rejectedPartition) {
    newRows
        .unionByName(
            existing
                .where(GeneratedIds.generated().unary_$bang())
                .select(
                    InstructionSchema.INS_ID,
                    InstructionSchema.INSTRUCTION,
                    InstructionSchema.ANSWER,
                    InstructionSchema.IMAGE_IDS,
                    InstructionSchema.REL_INS_IDS,
                    InstructionSchema.EXTRA_JSON,
                    InstructionSchema.SOURCE))
        .sortWithinPartitions(InstructionSchema.INS_ID)
        .write()
        .parquet(WarehouseCommitter.assembled(staging, partition).toString());
    rejected
        .coalesce(1)
        .sortWithinPartitions(RejectedSchema.ID)
        .write()
        .parquet(WarehouseCommitter.assembled(staging, rejectedPartition).toString());
  }

  private static void log(Result result, GeneratedIds ids) {
    LOG.info(
        "{}: {} annotation(s): {} pair(s) generated from {}, numbered from {}; {} rejected; {}"
            + " not generated offline; {} requests",
        GenerateInstructionsJob.NAME,
        result.annotations(),
        result.pairs(),
        result.generatedFrom(),
        ids.id(0),
        result.rejected(),
        result.offline(),
        result.api().get("requests"));
  }

  /** Unusable annotations and those whose request failed (and have no reply), as rejected rows. */
  private static Dataset<Row> rejected(
      Dataset<Row> annotations,
      Dataset<Row> good,
      Dataset<Row> replies,
      Dataset<Row> failed,
      GenerateInstructionsConfig config) {
    return annotations
        .where(col("reason").isNotNull())
        .select(
            col("id").as(RejectedSchema.ID),
            col("reason").as(RejectedSchema.REASON),
            col("detail").as(RejectedSchema.DETAIL))
        .unionByName(
            good.join(
                    failed.select(col("key").as("f_key"), col("reason").as("f_reason")),
                    good.col("key").equalTo(col("f_key")))
                .join(replies, good.col("key").equalTo(replies.col("c_key")), "left_anti")
                .select(
                    col("id").as(RejectedSchema.ID),
                    lit(RejectReason.API_FAILED.code()).as(RejectedSchema.REASON),
                    col("f_reason").as(RejectedSchema.DETAIL)))
        .withColumn(RejectedSchema.SOURCE, lit(config.annotations()))
        .withColumn(RejectedSchema.SOURCE_OFFSET, lit(null).cast(DataTypes.LongType));
  }

  /** Counts what was written, checks the reject share, swaps both partitions in. */
  private static Result commit(
      SparkSession spark,
      Configuration conf,
      GenerateInstructionsConfig config,
      Dataset<Row> annotations,
      Dataset<Row> generated,
      Path staging,
      ApiAccumulators counts,
      String partition,
      String rejectedPartition)
      throws IOException {
    long total = annotations.count();
    long rejectedCount =
        spark
            .read()
            .parquet(WarehouseCommitter.assembled(staging, rejectedPartition).toString())
            .count();
    Row generatedCounts =
        generated
            .agg(
                org.apache.spark.sql.functions.count(lit(1)),
                org.apache.spark.sql.functions.countDistinct(col("annotation_id")))
            .first();
    long pairs = generatedCounts.getLong(0);
    long from = generatedCounts.getLong(1);
    if (new RejectBudget(config.maxRejectRatio()).exceededBy(rejectedCount, total)) {
      throw new MimicitException(
          "%s: %s were rejected, more than --max-reject-ratio %s; nothing was committed"
              + " (accepted replies are kept in the cache). See the log for the first reasons.",
          GenerateInstructionsJob.NAME,
          RejectBudget.share(rejectedCount, total, "annotations"),
          config.maxRejectRatio());
    }
    FileSystem fs = staging.getFileSystem(conf);
    WarehouseCommitter.swap(fs, config.warehouse(), staging, List.of(partition, rejectedPartition));
    Map<String, Long> api = counts.values();
    return new Result(total, from, pairs, rejectedCount, total - rejectedCount - from, api, null);
  }

  /** The task's current rows, or none. */
  private static Dataset<Row> existing(
      SparkSession spark, Configuration conf, String warehouse, String partition) {
    Path path = new Path(warehouse, partition);
    try {
      if (path.getFileSystem(conf).exists(path)) {
        return spark.read().schema(InstructionSchema.SCHEMA).parquet(path.toString());
      }
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read %s: %s", path, e.getMessage());
    }
    return spark.createDataFrame(List.of(), InstructionSchema.SCHEMA);
  }

  private static ObjectNode stats(
      Instant started,
      long ms,
      GenerateInstructionsConfig config,
      GeneratedIds ids,
      Result result) {
    ObjectNode root =
        JobStats.header(
            GenerateInstructionsJob.NAME,
            started,
            ms,
            JobStats.paths(
                "annotations", config.annotations(),
                "prompts", config.prompts(),
                "warehouse", config.warehouse()));
    root.put("task", config.task());
    root.put("model", config.api().model());
    root.put("rows_in", result.annotations());
    root.put("rows_out", result.pairs());
    root.put("annotations_generated", result.generatedFrom());
    root.put("first_id", ids.id(0));
    root.put("rejected_total", result.rejected());
    root.put("not_generated_offline", result.offline());
    ObjectNode api = root.putObject("api_calls");
    result.api().forEach(api::put);
    return root;
  }
}
