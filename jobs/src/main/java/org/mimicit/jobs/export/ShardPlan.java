package org.mimicit.jobs.export;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.dense_rank;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.mimicit.common.schema.ExampleSchema;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.schema.InContextSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.source.SourceColumns;

/**
 * Which shard each example goes to, from the input alone: per task, examples in (ins_id, lang)
 * order get consecutive ordinals, and an example goes to shard {@code floor(offset / shard size)}
 * (renumbered without gaps), where offset is the estimated size in the format of the examples
 * before it: for tar the exact member sizes (headers, padding) with the JSON's length estimated,
 * for Parquet the image bytes plus the text uncompressed (text compresses, so text-heavy shards
 * come out smaller). A shard thus holds about {@code --shard-size}, one example more at most. Examples with an image missing from the
 * images table cannot be self-contained: they are left out of the shards and counted.
 */
final class ShardPlan {
  static final String SHARD = "shard";
  static final String ORDINAL = "ordinal";
  static final String COMPLETE = "complete";
  static final String IMAGE_REFS = "image_refs";
  static final String POS = "pos";
  static final String IMAGE_BYTES = "image_bytes";
  private static final long TAR_BLOCK = 512;
  /** An image id and its list entry; a row's fixed columns (task, lang, keys, list headers). */
  private static final long ID_BYTES = 32;
  private static final long ROW_BYTES = 64;
  /** The JSON member's keys and key; per image its image_id, format and member name. */
  private static final long JSON_BYTES = 160;
  private static final long JSON_IMAGE_BYTES = 96;

  private ShardPlan() {}

  /** {@code bytes} rounded up to whole 512-byte tar blocks. */
  private static Column padded(Column bytes) {
    return org.apache.spark.sql.functions.ceil(bytes.divide(TAR_BLOCK)).multiply(TAR_BLOCK);
  }

  /** The image ids of each example with their position: task, lang, ins_id, pos, image_id. */
  static Dataset<Row> imageRefs(Dataset<Row> examples) {
    return examples.select(col(SourceColumns.TASK), col(ExampleTable.LANG),
        col(InstructionSchema.INS_ID),
        posexplode(col(InstructionSchema.IMAGE_IDS)).as(new String[] {POS, ImageSchema.IMAGE_ID}));
  }

  /** The size of each image (task, image_id, image_bytes), read from the bytes themselves. */
  static Dataset<Row> imageSizes(Dataset<Row> images) {
    return images.select(col(SourceColumns.TASK), col(ImageSchema.IMAGE_ID),
        length(col(ImageSchema.BYTES)).as(IMAGE_BYTES));
  }

  /**
   * Every example with {@code complete} (all its images exist) and, for the complete ones,
   * {@code shard} and {@code ordinal}: task, lang, ins_id, complete, image_refs, shard, ordinal.
   * {@code imageSizes}: task, image_id, image_bytes.
   */
  static Dataset<Row> plan(Dataset<Row> examples, Dataset<Row> imageSizes, long shardBytes,
      ExportFormat format) {
    Dataset<Row> sizes = imageRefs(examples)
        .join(imageSizes, ExampleTable.using(SourceColumns.TASK, ImageSchema.IMAGE_ID), "left")
        .groupBy(SourceColumns.TASK, ExampleTable.LANG, InstructionSchema.INS_ID)
        .agg(count(col("image_bytes")).as("found"), sum(col("image_bytes")).as("image_bytes"),
            sum(padded(col("image_bytes"))).as("tar_image_bytes"));
    Column contextText = aggregate(col(InContextSchema.CONTEXT), lit(0L),
        (acc, c) -> acc.plus(octet_length(c.getField(ExampleSchema.INSTRUCTION)))
            .plus(octet_length(c.getField(ExampleSchema.ANSWER)))
            .plus(size(c.getField(ExampleSchema.IMAGE_IDS)).multiply(ID_BYTES)));
    Column text = octet_length(col(InstructionSchema.INSTRUCTION))
        .plus(octet_length(col(InstructionSchema.ANSWER))).plus(contextText);
    Column imageCount = size(col(InstructionSchema.IMAGE_IDS));
    Column imageBytes = coalesce(col("image_bytes"), lit(0L));
    Column estimate = format == ExportFormat.PARQUET
        // values as stored: image bytes plain, text at most its length (compressed)
        ? imageBytes.plus(text).plus(imageCount.multiply(ID_BYTES)).plus(ROW_BYTES)
        // tar: a 512-byte header per member, content padded to 512, the JSON member
        : coalesce(col("tar_image_bytes"), lit(0L)).plus(imageCount.multiply(TAR_BLOCK))
            .plus(padded(text.plus(imageCount.multiply(JSON_IMAGE_BYTES)).plus(JSON_BYTES)))
            .plus(TAR_BLOCK);
    Dataset<Row> estimated = examples
        .join(sizes, ExampleTable.using(SourceColumns.TASK, ExampleTable.LANG,
            InstructionSchema.INS_ID), "left")
        .select(col(SourceColumns.TASK), col(ExampleTable.LANG), col(InstructionSchema.INS_ID),
            size(col(InstructionSchema.IMAGE_IDS)).as(IMAGE_REFS),
            coalesce(col("found"), lit(0L)).equalTo(size(col(InstructionSchema.IMAGE_IDS)))
                .as(COMPLETE),
            estimate.as("estimate"));
    // one pass over all examples: the incomplete ones count for nothing and get no place
    WindowSpec order = Window.partitionBy(SourceColumns.TASK)
        .orderBy(InstructionSchema.INS_ID, ExampleTable.LANG);
    Column counted = when(col(COMPLETE), col("estimate")).otherwise(lit(0L));
    return estimated
        .withColumn("offset", coalesce(sum(counted).over(
            order.rowsBetween(Window.unboundedPreceding(), -1)), lit(0L)))
        .withColumn(ORDINAL, sum(when(col(COMPLETE), lit(1L)).otherwise(lit(0L))).over(order)
            .minus(1))
        .withColumn("raw_shard", floor(col("offset").divide(lit(shardBytes))))
        // an incomplete example shares its raw shard with the next complete one, or comes last
        .withColumn(SHARD, dense_rank().over(
            Window.partitionBy(SourceColumns.TASK).orderBy("raw_shard")).minus(1))
        .withColumn(ORDINAL, when(col(COMPLETE), col(ORDINAL)))
        .withColumn(SHARD, when(col(COMPLETE), col(SHARD)))
        .drop("offset", "raw_shard", "estimate");
  }
}
