package org.mimicit.jobs.export;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.schema.InContextSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.warehouse.Partitions;

/**
 * WebDataset samples of the images-once layout: one sample per image set (the distinct image ids of
 * an instruction: a video's frames, a photo, a pair) with the set's images once and every example,
 * in every language, whose instruction uses exactly that set. Samples are ordered in a task by
 * their first ins_id; an example without images is a sample of its own. A set with an image missing
 * from the images table leaves its examples out, as in the other layouts.
 */
final class SampleGroups {
  /** The image set of an example (see {@link #key}). */
  static final String SET = "image_set";

  /** Per image set its images: see {@link #setImages}. */
  static final String SET_IMAGES = "set_images";

  private static final String FOUND = "found";
  private static final String TAR_BYTES = "tar_bytes";

  private SampleGroups() {}

  /**
   * The image set of an example: its distinct image ids, sorted, joined by NUL; for an example
   * without images, SOH and its ins_id (a set of its own).
   */
  static Column key() {
    Column ids = col(InstructionSchema.IMAGE_IDS);
    return when(size(ids).gt(0), concat_ws("\u0000", array_sort(array_distinct(ids))))
        .otherwise(concat(lit("\u0001"), col(InstructionSchema.INS_ID)));
  }

  /**
   * Per image set the images found: task, image_set, found, tar_bytes (members with headers and
   * padding), set_images (sorted by image id: image_id, sha256, format, then file, offset, length
   * when {@code locations} is given, else bytes).
   */
  static Dataset<Row> setImages(
      Dataset<Row> instructions, Dataset<Row> images, Dataset<Row> locations) {
    Dataset<Row> sets =
        instructions
            .select(
                col(Partitions.TASK),
                key().as(SET),
                explode(array_distinct(col(InstructionSchema.IMAGE_IDS))).as(ImageSchema.IMAGE_ID))
            .distinct();
    Column image;
    Column bytes;
    Dataset<Row> found;
    if (locations != null) {
      found =
          sets.join(
                  locations.select(
                      Partitions.TASK,
                      ImageSchema.IMAGE_ID,
                      ImageSchema.FORMAT,
                      ImageLocations.FILE,
                      ImageLocations.OFFSET,
                      ImageLocations.LENGTH),
                  ExampleTable.using(Partitions.TASK, ImageSchema.IMAGE_ID))
              .join(
                  images.select(Partitions.TASK, ImageSchema.IMAGE_ID, ImageSchema.SHA256),
                  ExampleTable.using(Partitions.TASK, ImageSchema.IMAGE_ID));
      image =
          struct(
              col(ImageSchema.IMAGE_ID),
              col(ImageSchema.SHA256),
              col(ImageSchema.FORMAT),
              col(ImageLocations.FILE),
              col(ImageLocations.OFFSET),
              col(ImageLocations.LENGTH));
      bytes = col(ImageLocations.LENGTH);
    } else {
      found =
          sets.join(
              images.select(
                  Partitions.TASK,
                  ImageSchema.IMAGE_ID,
                  ImageSchema.SHA256,
                  ImageSchema.FORMAT,
                  ImageSchema.BYTES),
              ExampleTable.using(Partitions.TASK, ImageSchema.IMAGE_ID));
      image =
          struct(
              col(ImageSchema.IMAGE_ID),
              col(ImageSchema.SHA256),
              col(ImageSchema.FORMAT),
              col(ImageSchema.BYTES));
      bytes = length(col(ImageSchema.BYTES));
    }
    return found
        .groupBy(Partitions.TASK, SET)
        .agg(
            count(lit(1)).as(FOUND),
            sum(ShardPlan.padded(bytes).plus(ShardPlan.TAR_BLOCK)).as(TAR_BYTES),
            sort_array(collect_list(image)).as(SET_IMAGES));
  }

  /**
   * The plan, one row per example as {@link ShardPlan#plan} has it (task, lang, ins_id, complete,
   * image_refs, shard, ordinal, oversize), where the ordinal is the sample's: samples are placed in
   * shards by their estimated size (the set's images once, the JSON of all its examples).
   */
  static Dataset<Row> plan(Dataset<Row> examples, Dataset<Row> setImages, long shardBytes) {
    Dataset<Row> keyed = examples.withColumn(SET, key());
    Column distinctImages = size(array_distinct(col(InstructionSchema.IMAGE_IDS)));
    Dataset<Row> samples =
        keyed
            .groupBy(Partitions.TASK, SET)
            .agg(
                min(col(InstructionSchema.INS_ID)).as("first"),
                sum(ShardPlan.textBytes(true).plus(ShardPlan.JSON_BYTES)).as("text"),
                first(distinctImages).as("images"))
            .join(
                setImages.select(Partitions.TASK, SET, FOUND, TAR_BYTES),
                ExampleTable.using(Partitions.TASK, SET),
                "left")
            .select(
                col(Partitions.TASK),
                col(SET),
                col("first"),
                coalesce(col(FOUND), lit(0L)).equalTo(col("images")).as(ShardPlan.COMPLETE),
                coalesce(col(TAR_BYTES), lit(0L))
                    .plus(
                        ShardPlan.padded(
                            col("text").plus(col("images").multiply(ShardPlan.JSON_IMAGE_BYTES))))
                    .plus(ShardPlan.TAR_BLOCK)
                    .as("estimate"));
    Dataset<Row> placed =
        ShardPlan.place(samples, shardBytes, ShardPlan.FileSize.tar(), "first", SET);
    return keyed
        .join(
            placed.select(
                Partitions.TASK,
                SET,
                ShardPlan.COMPLETE,
                ShardPlan.SHARD,
                ShardPlan.ORDINAL,
                ShardPlan.OVERSIZE),
            ExampleTable.using(Partitions.TASK, SET))
        .select(
            col(Partitions.TASK),
            col(ExampleTable.LANG),
            col(InstructionSchema.INS_ID),
            col(ShardPlan.COMPLETE),
            size(col(InstructionSchema.IMAGE_IDS)).as(ShardPlan.IMAGE_REFS),
            col(ShardPlan.SHARD),
            col(ShardPlan.ORDINAL),
            col(ShardPlan.OVERSIZE));
  }

  /**
   * The rows a {@link ShardPartitionWriter} reads for grouped samples, one per placed example:
   * task, shard, ordinal, ins_id, lang, instruction, answer, context, image_ids, set_images.
   */
  static Dataset<Row> rows(Dataset<Row> plan, Dataset<Row> examples, Dataset<Row> setImages) {
    Dataset<Row> keys =
        plan.where(col(ShardPlan.COMPLETE))
            .select(
                Partitions.TASK,
                ExampleTable.LANG,
                InstructionSchema.INS_ID,
                ShardPlan.SHARD,
                ShardPlan.ORDINAL);
    return examples
        .withColumn(SET, key())
        .join(
            keys, ExampleTable.using(Partitions.TASK, ExampleTable.LANG, InstructionSchema.INS_ID))
        .join(
            setImages.select(Partitions.TASK, SET, SET_IMAGES),
            ExampleTable.using(Partitions.TASK, SET),
            "left")
        .select(
            col(Partitions.TASK),
            col(ShardPlan.SHARD),
            col(ShardPlan.ORDINAL),
            col(InstructionSchema.INS_ID),
            col(ExampleTable.LANG),
            col(InstructionSchema.INSTRUCTION),
            col(InstructionSchema.ANSWER),
            col(InContextSchema.CONTEXT),
            col(InstructionSchema.IMAGE_IDS),
            col(SET_IMAGES));
  }
}
