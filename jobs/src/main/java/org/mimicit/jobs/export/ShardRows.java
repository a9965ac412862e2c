package org.mimicit.jobs.export;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.schema.InContextSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.warehouse.Partitions;

/**
 * The rows a {@link ShardPartitionWriter} reads, from a format's shard plan (pure: no actions).
 * With the image lists of {@link ImageLocations#perInstruction}, each example row carries where its
 * images are and the writers copy those byte ranges; without, the image bytes are joined and
 * shuffled to their shard.
 */
final class ShardRows {
  private ShardRows() {}

  /**
   * The rows of the complete examples of {@code plan}: task, shard, ordinal, ins_id, lang,
   * instruction, answer, context, then the image columns the writer expects. {@code lists}: null
   * when the images are not plain ranges; {@code broadcastIds}: whether the id side of the image
   * join is small enough to broadcast.
   */
  static Dataset<Row> of(
      Dataset<Row> plan,
      Dataset<Row> examples,
      Dataset<Row> images,
      Dataset<Row> lists,
      boolean broadcastIds) {
    return lists != null
        ? listed(plan, examples, lists, ImageLocations.LOCATED)
        : withImages(plan, examples, images, broadcastIds);
  }

  /**
   * The rows of the complete examples of {@code plan}, one per example ending with its list of
   * images ({@code column} of {@code lists}: locations, or references for referencing shards).
   */
  static Dataset<Row> listed(
      Dataset<Row> plan, Dataset<Row> examples, Dataset<Row> lists, String column) {
    return located(texts(examples, keys(plan)), lists, column);
  }

  private static Dataset<Row> keys(Dataset<Row> plan) {
    return plan.where(col(ShardPlan.COMPLETE))
        .select(
            Partitions.TASK,
            ExampleTable.LANG,
            InstructionSchema.INS_ID,
            ShardPlan.SHARD,
            ShardPlan.ORDINAL);
  }

  private static Dataset<Row> withImages(
      Dataset<Row> plan, Dataset<Row> examples, Dataset<Row> images, boolean broadcastIds) {
    Dataset<Row> keys = keys(plan);
    Dataset<Row> texts = texts(examples, keys);
    return withImageRows(
        texts,
        ShardPlan.imageRefs(examples)
            .join(
                keys,
                ExampleTable.using(Partitions.TASK, ExampleTable.LANG, InstructionSchema.INS_ID)),
        images,
        broadcastIds);
  }

  /** The text of each placed example with its shard and ordinal. */
  private static Dataset<Row> texts(Dataset<Row> examples, Dataset<Row> keys) {
    return examples
        .join(
            keys, ExampleTable.using(Partitions.TASK, ExampleTable.LANG, InstructionSchema.INS_ID))
        .select(
            col(Partitions.TASK),
            col(ShardPlan.SHARD),
            col(ShardPlan.ORDINAL),
            col(InstructionSchema.INS_ID),
            col(ExampleTable.LANG),
            col(InstructionSchema.INSTRUCTION),
            col(InstructionSchema.ANSWER),
            col(InContextSchema.CONTEXT));
  }

  /** One row per example, its images' list in order (null when it has none). */
  private static Dataset<Row> located(Dataset<Row> texts, Dataset<Row> lists, String column) {
    return texts
        .join(lists, ExampleTable.using(Partitions.TASK, InstructionSchema.INS_ID), "left")
        .select(
            col(Partitions.TASK),
            col(ShardPlan.SHARD),
            col(ShardPlan.ORDINAL),
            col(InstructionSchema.INS_ID),
            col(ExampleTable.LANG),
            col(InstructionSchema.INSTRUCTION),
            col(InstructionSchema.ANSWER),
            col(InContextSchema.CONTEXT),
            col(column),
            lit(-1).as(ShardPlan.POS));
  }

  /** Per example a text row (pos -1), then one row per image with its bytes. */
  private static Dataset<Row> withImageRows(
      Dataset<Row> texts, Dataset<Row> wanted, Dataset<Row> images, boolean broadcastIds) {
    Dataset<Row> textRows =
        texts
            .withColumn(ImageSchema.IMAGE_ID, lit(null).cast(DataTypes.StringType))
            .withColumn(ImageSchema.FORMAT, lit(null).cast(DataTypes.StringType))
            .withColumn(ImageSchema.BYTES, lit(null).cast(DataTypes.BinaryType))
            .withColumn(ShardPlan.POS, lit(-1));
    Dataset<Row> imageRows =
        images
            .select(Partitions.TASK, ImageSchema.IMAGE_ID, ImageSchema.FORMAT, ImageSchema.BYTES)
            .join(
                broadcastIds ? broadcast(wanted) : wanted,
                ExampleTable.using(Partitions.TASK, ImageSchema.IMAGE_ID))
            .select(
                col(Partitions.TASK),
                col(ShardPlan.SHARD),
                col(ShardPlan.ORDINAL),
                col(InstructionSchema.INS_ID),
                col(ExampleTable.LANG),
                lit(null).cast(DataTypes.StringType).as(InstructionSchema.INSTRUCTION),
                lit(null).cast(DataTypes.StringType).as(InstructionSchema.ANSWER),
                lit(null)
                    .cast(texts.schema().apply(InContextSchema.CONTEXT).dataType())
                    .as(InContextSchema.CONTEXT),
                col(ImageSchema.IMAGE_ID),
                col(ImageSchema.FORMAT),
                col(ImageSchema.BYTES),
                col(ShardPlan.POS));
    return textRows.unionByName(imageRows);
  }
}
