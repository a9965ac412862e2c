package org.mimicit.jobs.incontext;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.schema.RejectedSchema;
import org.mimicit.common.warehouse.Partitions;
import org.mimicit.common.warehouse.WarehouseCommitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the join reads besides the instructions: the image ids of the warehouse and the train
 * relations ({@code <TASK>_train.json}), whose bad records are staged for {@code rejected/train/}.
 */
final class InContextInputs {
  /** The table of rejected train records: {@code rejected/train/}. */
  static final String TRAIN = "train";

  private static final Logger LOG = LoggerFactory.getLogger(InContextInputs.class);

  private InContextInputs() {}

  /** The ids of the images table; null (every image missing) when it was not converted. */
  static Dataset<Row> imageIds(SparkSession spark, String warehouse) {
    Path path = new Path(warehouse, ImageSchema.TABLE);
    try {
      if (path.getFileSystem(spark.sessionState().newHadoopConf()).exists(path)) {
        return spark.read().parquet(path.toString()).select(col(ImageSchema.IMAGE_ID));
      }
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read %s: %s", path, e.getMessage());
    }
    LOG.warn(
        "{}: no images table in {}: every image id is reported missing",
        JoinInContextJob.NAME,
        warehouse);
    return null;
  }

  /**
   * The train relations in use: from {@code trainConfig} (a {@code <TASK>_train.json} file or a
   * folder of them) when given, else the {@code <TASK>_train.json} files found next to the
   * instruction files the warehouse was made from; null when there are none. Bad records of a train
   * file are left out and written to {@code rejected/train/task=<TASK>/} in {@code staging}.
   */
  static Dataset<Row> trainRelations(
      SparkSession spark, Dataset<Row> instructions, String trainConfig, Path staging) {
    List<String> paths =
        trainConfig != null ? List.of(trainConfig) : trainFilesBesideInput(spark, instructions);
    if (paths.isEmpty()) {
      return null;
    }
    LOG.info("{}: relations from {}", JoinInContextJob.NAME, paths);
    Dataset<Row> read =
        spark
            .read()
            .format("mimicit-train")
            .option("paths", new ObjectMapper().valueToTree(paths).toString())
            .load();
    stageRejects(read, staging);
    return read.where(col("reason").isNull())
        .select(Partitions.TASK, InstructionSchema.INS_ID, InstructionSchema.REL_INS_IDS);
  }

  /**
   * The {@code <TASK>_train.json} files next to the instruction files of each task. A file system
   * that cannot say whether one exists fails the job: falling back to {@code rel_ins_ids} would
   * silently join other relations than the user's.
   */
  private static List<String> trainFilesBesideInput(SparkSession spark, Dataset<Row> instructions) {
    List<String> paths = new ArrayList<>();
    Configuration conf = spark.sessionState().newHadoopConf();
    for (Row r :
        instructions.select(Partitions.TASK, InstructionSchema.SOURCE).distinct().collectAsList()) {
      Path next = new Path(new Path(r.getString(1)).getParent(), r.getString(0) + "_train.json");
      try {
        if (next.getFileSystem(conf).exists(next) && !paths.contains(next.toString())) {
          paths.add(next.toString());
        }
      } catch (IOException e) {
        throw new MimicitException(
            e,
            "Cannot look for the train file of task %s at %s: %s. Fix access to it, or name the"
                + " relations with --train-config.",
            r.getString(0),
            next,
            e.getMessage());
      }
    }
    return paths;
  }

  /** Writes the bad records of the train files to the staged {@code rejected/train/}. */
  private static void stageRejects(Dataset<Row> read, Path staging) {
    Dataset<Row> bad =
        read.where(col("reason").isNotNull())
            .select(
                col(InstructionSchema.INS_ID).as(RejectedSchema.ID),
                col(RejectedSchema.REASON),
                col(RejectedSchema.DETAIL),
                col(RejectedSchema.SOURCE),
                col(RejectedSchema.SOURCE_OFFSET),
                col(Partitions.TASK))
            .cache();
    long rejected = bad.count();
    if (rejected > 0) {
      LOG.warn(
          "{}: {} train record(s) are not {{ins_id: [ids]}}: left out, written to {}",
          JoinInContextJob.NAME,
          rejected,
          RejectedSchema.pathOf(TRAIN));
      bad.write()
          .partitionBy(Partitions.TASK)
          .parquet(WarehouseCommitter.assembled(staging, RejectedSchema.pathOf(TRAIN)).toString());
    }
    bad.unpersist();
  }
}
