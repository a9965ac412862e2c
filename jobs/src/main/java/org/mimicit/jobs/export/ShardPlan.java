package org.mimicit.jobs.export;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.schema.ExampleSchema;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.schema.InContextSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.warehouse.Partitions;

/**
 * Which shard each example goes to, from the input alone: per task, examples in (ins_id, lang)
 * order get consecutive ordinals, and an example goes to shard {@code floor(offset / shard size)}
 * (renumbered without gaps), where offset is the estimated size in the format of the examples
 * before it: for tar the exact member sizes (headers, padding) with the JSON's length estimated,
 * for Parquet the image bytes plus the text uncompressed (text compresses, so text-heavy shards
 * come out smaller). A shard thus holds about {@code --shard-size}, one example more at most.
 * Examples with an image missing from the images table cannot be self-contained: they are left out
 * of the shards and counted.
 */
final class ShardPlan {
  static final String SHARD = "shard";
  static final String ORDINAL = "ordinal";
  static final String COMPLETE = "complete";

  /** A complete row larger than the shard size alone: it has a shard of its own. */
  static final String OVERSIZE = "oversize";

  /**
   * The size of a shard file from the bytes of its content: a tar's two end blocks and its padding
   * to whole 10240-byte records ({@code record}), or a Parquet file's footer ({@code fixed}).
   */
  record FileSize(long fixed, long record) implements java.io.Serializable {
    long of(long content) {
      return record > 0 ? (content + fixed + record - 1) / record * record : content + fixed;
    }

    static FileSize tar() {
      return new FileSize(2 * TAR_BLOCK, 20 * TAR_BLOCK);
    }

    /** A footer: 4 KB, and 2 KB per row group (a file of shardBytes has at most that many). */
    static FileSize parquet(long shardBytes, long rowGroupBytes) {
      return new FileSize(4096 + 2048 * (shardBytes / rowGroupBytes + 1), 0);
    }

    static FileSize of(ExportFormat format, long shardBytes) {
      return format == ExportFormat.WEBDATASET
          ? tar()
          : parquet(shardBytes, rowGroupBytes(shardBytes));
    }
  }

  /** Row groups of a shard: an eighth of it, at least 1 MB, at most 128 MB. */
  static long rowGroupBytes(long shardBytes) {
    return Math.min(128L << 20, Math.max(1L << 20, shardBytes / 8));
  }

  static final String IMAGE_REFS = "image_refs";
  static final String POS = "pos";
  static final String IMAGE_BYTES = "image_bytes";
  private static final String FOUND = "found";
  private static final String TAR_IMAGE_BYTES = "tar_image_bytes";
  static final long TAR_BLOCK = 512;

  /** An image id and its list entry; a row's fixed columns (task, lang, keys, list headers). */
  private static final long ID_BYTES = 32;

  private static final long ROW_BYTES = 64;

  /** A SHA-256 in hex. */
  private static final long SHA_BYTES = 64;

  /** The JSON member's keys and key; per image its image_id, format and member name. */
  static final long JSON_BYTES = 160;

  static final long JSON_IMAGE_BYTES = 96;

  private ShardPlan() {}

  /**
   * A plan read back with what the driver needs of it, from one query: examples placed and left out
   * per task and language, shards per task, image references of the placed examples.
   */
  record Summary(
      Dataset<Row> plan,
      Map<String, Map<String, Long>> exported,
      Map<String, Map<String, Long>> skipped,
      Map<String, Integer> shards,
      long imageRefs,
      Map<String, Long> oversize) {
    static Summary of(Dataset<Row> plan) {
      Map<String, Map<String, Long>> exported = new TreeMap<>();
      Map<String, Map<String, Long>> skipped = new TreeMap<>();
      Map<String, Integer> shards = new TreeMap<>();
      Map<String, Long> oversize = new TreeMap<>();
      long refs = 0;
      for (Row r :
          plan.groupBy(Partitions.TASK, ExampleTable.LANG, COMPLETE)
              .agg(
                  count("*"),
                  max(SHARD),
                  sum(IMAGE_REFS),
                  sum(when(col(OVERSIZE), lit(1L)).otherwise(lit(0L))))
              .collectAsList()) {
        boolean complete = r.getBoolean(2);
        (complete ? exported : skipped)
            .computeIfAbsent(r.getString(0), k -> new TreeMap<>())
            .put(r.getString(1), r.getLong(3));
        if (complete) {
          shards.merge(r.getString(0), r.getInt(4) + 1, Math::max);
          refs += r.getLong(5);
          if (r.getLong(6) > 0) {
            oversize.merge(r.getString(0), r.getLong(6), Long::sum);
          }
        }
      }
      return new Summary(plan, exported, skipped, shards, refs, oversize);
    }
  }

  /** {@code bytes} rounded up to whole 512-byte tar blocks. */
  static Column padded(Column bytes) {
    return org.apache.spark.sql.functions.ceil(bytes.divide(TAR_BLOCK)).multiply(TAR_BLOCK);
  }

  /** The image ids of each example with their position: task, lang, ins_id, pos, image_id. */
  static Dataset<Row> imageRefs(Dataset<Row> examples) {
    return examples.select(
        col(Partitions.TASK),
        col(ExampleTable.LANG),
        col(InstructionSchema.INS_ID),
        posexplode(col(InstructionSchema.IMAGE_IDS)).as(new String[] {POS, ImageSchema.IMAGE_ID}));
  }

  /** The size of each image (task, image_id, image_bytes), read from the bytes themselves. */
  static Dataset<Row> imageSizes(Dataset<Row> images) {
    return images.select(
        col(Partitions.TASK),
        col(ImageSchema.IMAGE_ID),
        length(col(ImageSchema.BYTES)).as(IMAGE_BYTES));
  }

  /**
   * Per instruction the images found, their bytes and their bytes in whole tar blocks: task,
   * ins_id, found, image_bytes, tar_image_bytes; no row when none is found. A translation has the
   * image ids of its instruction, so every language of an example shares these numbers. {@code
   * imageSizes}: task, image_id, image_bytes.
   */
  static Dataset<Row> imageTotals(Dataset<Row> instructions, Dataset<Row> imageSizes) {
    return instructions
        .select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            explode(col(InstructionSchema.IMAGE_IDS)).as(ImageSchema.IMAGE_ID))
        .join(imageSizes, ExampleTable.using(Partitions.TASK, ImageSchema.IMAGE_ID))
        .groupBy(Partitions.TASK, InstructionSchema.INS_ID)
        .agg(
            count(col(IMAGE_BYTES)).as(FOUND),
            sum(col(IMAGE_BYTES)).as(IMAGE_BYTES),
            sum(padded(col(IMAGE_BYTES))).as(TAR_IMAGE_BYTES));
  }

  /** {@link #imageTotals(Dataset, Dataset)} from {@link ImageLocations#perInstruction} lists. */
  static Dataset<Row> imageTotals(Dataset<Row> locatedLists) {
    Column located = col(ImageLocations.LOCATED);
    return locatedLists.select(
        col(Partitions.TASK),
        col(InstructionSchema.INS_ID),
        size(located).cast(DataTypes.LongType).as(FOUND),
        aggregate(located, lit(0L), (acc, i) -> acc.plus(i.getField(ImageLocations.LENGTH)))
            .as(IMAGE_BYTES),
        aggregate(located, lit(0L), (acc, i) -> acc.plus(padded(i.getField(ImageLocations.LENGTH))))
            .as(TAR_IMAGE_BYTES));
  }

  /**
   * {@link #imageTotals(Dataset, Dataset)} for referencing shards, from {@link
   * ImageShards#perInstruction} lists: an image costs its id and SHA-256, not its bytes.
   */
  static Dataset<Row> referenceTotals(Dataset<Row> refs) {
    Column n = size(col(ImageShards.REFS)).cast(DataTypes.LongType);
    return refs.select(
        col(Partitions.TASK),
        col(InstructionSchema.INS_ID),
        n.as(FOUND),
        n.multiply(SHA_BYTES).as(IMAGE_BYTES),
        lit(0L).as(TAR_IMAGE_BYTES));
  }

  /**
   * Every example with {@code complete} (all its images exist) and, for the complete ones, {@code
   * shard} and {@code ordinal}: task, lang, ins_id, complete, image_refs, shard, ordinal. {@code
   * imageTotals}: from {@link #imageTotals}.
   */
  static Dataset<Row> plan(
      Dataset<Row> examples, Dataset<Row> imageTotals, long shardBytes, ExportFormat format) {
    // the text's size is taken before the join, so that numbers, not texts, are shuffled
    Column text = col("text");
    Column imageCount = col(IMAGE_REFS);
    Column imageBytes = coalesce(col(IMAGE_BYTES), lit(0L));
    Column estimate =
        format == ExportFormat.PARQUET
            // values as stored: image bytes plain, text at most its length (compressed)
            ? imageBytes.plus(text).plus(imageCount.multiply(ID_BYTES)).plus(ROW_BYTES)
            // tar: a 512-byte header per member, content padded to 512, the JSON member
            : coalesce(col(TAR_IMAGE_BYTES), lit(0L))
                .plus(imageCount.multiply(TAR_BLOCK))
                .plus(padded(text.plus(imageCount.multiply(JSON_IMAGE_BYTES)).plus(JSON_BYTES)))
                .plus(TAR_BLOCK);
    Dataset<Row> estimated =
        examples
            .select(
                col(Partitions.TASK),
                col(ExampleTable.LANG),
                col(InstructionSchema.INS_ID),
                size(col(InstructionSchema.IMAGE_IDS)).as(IMAGE_REFS),
                textBytes(format == ExportFormat.WEBDATASET).as("text"))
            .join(
                imageTotals, ExampleTable.using(Partitions.TASK, InstructionSchema.INS_ID), "left")
            .select(
                col(Partitions.TASK),
                col(ExampleTable.LANG),
                col(InstructionSchema.INS_ID),
                col(IMAGE_REFS),
                coalesce(col(FOUND), lit(0L)).equalTo(col(IMAGE_REFS)).as(COMPLETE),
                estimate.as("estimate"));
    return place(
        estimated,
        shardBytes,
        FileSize.of(format, shardBytes),
        InstructionSchema.INS_ID,
        ExampleTable.LANG);
  }

  /**
   * The bytes of an example's text: its pair and its context examples (pairs, ids); as UTF-8, or
   * with {@code json} as the tar shards' JSON escapes it ({@link JsonLength}).
   */
  static Column textBytes(boolean json) {
    java.util.function.Function<Column, Column> length =
        json ? c -> JsonLength.UDF.apply(c) : functions::octet_length;
    Column contextText =
        aggregate(
            col(InContextSchema.CONTEXT),
            lit(0L),
            (acc, c) ->
                acc.plus(length.apply(c.getField(ExampleSchema.INSTRUCTION)))
                    .plus(length.apply(c.getField(ExampleSchema.ANSWER)))
                    .plus(size(c.getField(ExampleSchema.IMAGE_IDS)).multiply(ID_BYTES)));
    return length
        .apply(col(InstructionSchema.INSTRUCTION))
        .plus(length.apply(col(InstructionSchema.ANSWER)))
        .plus(contextText);
  }

  /**
   * Places rows (task, complete, estimate, ...) in shards, per task in the {@code order} given:
   * {@code ordinal} counts the complete ones; a shard takes them while its estimated size, the
   * file's own bytes included ({@code fileSize}), stays within {@code shardBytes}, so {@code
   * --shard-size} is an upper bound, except for a row larger than it, which gets a shard of its own
   * ({@code oversize}). The incomplete ones get no shard or ordinal. One sequential pass per task
   * (rows of ids and numbers: a sort of them in one Spark task per task); {@code estimate} is
   * dropped.
   */
  static Dataset<Row> place(
      Dataset<Row> estimated, long shardBytes, FileSize fileSize, String... order) {
    List<String> sort = new ArrayList<>();
    sort.add(Partitions.TASK);
    sort.addAll(List.of(order));
    StructType in = estimated.schema();
    StructType out =
        in.add(SHARD, DataTypes.IntegerType)
            .add(ORDINAL, DataTypes.LongType)
            .add(OVERSIZE, DataTypes.BooleanType);
    return estimated
        .repartition(col(Partitions.TASK))
        .sortWithinPartitions(sort.stream().map(functions::col).toArray(Column[]::new))
        .mapPartitions(
            new Fill(
                shardBytes,
                fileSize,
                in.fieldIndex(Partitions.TASK),
                in.fieldIndex(COMPLETE),
                in.fieldIndex("estimate")),
            Encoders.row(out))
        .drop("estimate");
  }

  /** The greedy fill of {@link #place}, over the rows of whole tasks in order. */
  private record Fill(long shardBytes, FileSize size, int task, int complete, int estimate)
      implements MapPartitionsFunction<Row, Row> {
    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      return new Iterator<>() {
        String current;
        int shard;
        long ordinal;
        long filled;

        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          Row r = rows.next();
          Object[] values = new Object[r.size() + 3];
          for (int i = 0; i < r.size(); i++) {
            values[i] = r.get(i);
          }
          if (!r.getString(task).equals(current)) {
            current = r.getString(task);
            shard = 0;
            ordinal = 0;
            filled = 0;
          }
          if (r.getBoolean(complete)) {
            long bytes = r.getLong(estimate);
            if (filled > 0 && size.of(filled + bytes) > shardBytes) {
              shard++;
              filled = 0;
            }
            filled += bytes;
            values[r.size()] = shard;
            values[r.size() + 1] = ordinal++;
            values[r.size() + 2] = size.of(bytes) > shardBytes;
          } else {
            values[r.size() + 2] = false;
          }
          return RowFactory.create(values);
        }
      };
    }
  }
}
