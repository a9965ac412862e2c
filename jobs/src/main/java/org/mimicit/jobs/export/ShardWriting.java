package org.mimicit.jobs.export;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.mimicit.common.export.ExportManifest;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.schema.InContextSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.warehouse.Partitions;
import org.mimicit.common.warehouse.SerializableConf;

/**
 * Writes the planned shards of one format in parallel: one Spark task per shard (up to {@value
 * #MAX_WRITE_TASKS}), its rows sorted into the shard's order, written by {@link
 * ShardPartitionWriter}.
 */
final class ShardWriting {
  private static final long MAX_ROW_GROUP_BYTES = 128L << 20;

  /** Image references up to which the id side of the image join is broadcast. */
  private static final long BROADCAST_REFS = 1_000_000;

  /** Shards written at once at most: one Spark task per shard up to this many. */
  private static final int MAX_WRITE_TASKS = 10_000;

  private ShardWriting() {}

  /** The formats written as shards: every asked format but {@code mimicit}. */
  static List<ExportFormat> shardFormats(ExportShardsConfig config) {
    return config.formats().stream().filter(f -> f != ExportFormat.MIMICIT).toList();
  }

  /**
   * Writes the shards of every shard format; {@code firstPlan} is the plan of the first (the others
   * are planned here).
   */
  static List<ExportManifest.Entry> writeFormats(
      SparkSession spark,
      Configuration conf,
      Dataset<Row> examples,
      Dataset<Row> images,
      Dataset<Row> lists,
      Dataset<Row> totals,
      ExportShardsConfig config,
      Path staging,
      ShardPlan.Summary firstPlan) {
    List<ExportManifest.Entry> entries = new ArrayList<>();
    List<ExportFormat> shardFormats = shardFormats(config);
    for (ExportFormat format : shardFormats) {
      ShardPlan.Summary formatPlan =
          format == shardFormats.get(0)
              ? firstPlan
              : plan(spark, examples, totals, config, staging, format);
      entries.addAll(
          write(spark, conf, examples, images, lists, formatPlan, format, config, staging));
    }
    return entries;
  }

  /** A format's shard plan, computed once into the staging folder (small: ids and numbers). */
  static ShardPlan.Summary plan(
      SparkSession spark,
      Dataset<Row> examples,
      Dataset<Row> imageTotals,
      ExportShardsConfig config,
      Path staging,
      ExportFormat format) {
    String path = new Path(staging, "plan-" + format.label()).toString();
    spark.sparkContext().setJobDescription("plan " + format.label() + " shards");
    ShardPlan.plan(examples, imageTotals, config.shardBytes(), format).write().parquet(path);
    return ShardPlan.Summary.of(spark.read().parquet(path));
  }

  /**
   * Writes the planned shards of one format. With {@code lists} (from {@link
   * ImageLocations#perInstruction}), each example row carries where its images are and the writers
   * copy those byte ranges; without, the image bytes are joined and shuffled to their shard.
   */
  static List<ExportManifest.Entry> write(
      SparkSession spark,
      Configuration conf,
      Dataset<Row> examples,
      Dataset<Row> images,
      Dataset<Row> lists,
      ShardPlan.Summary plan,
      ExportFormat format,
      ExportShardsConfig config,
      Path staging) {
    Map<String, Integer> shards = plan.shards();
    if (shards.isEmpty()) {
      return List.of();
    }
    Dataset<Row> rows = rows(examples, images, lists, plan);
    int total = shards.values().stream().mapToInt(Integer::intValue).sum();
    int partitions = Math.min(total, MAX_WRITE_TASKS);
    long rowGroup = Math.min(MAX_ROW_GROUP_BYTES, Math.max(1, config.shardBytes() / 8));
    spark.sparkContext().setJobDescription("write " + total + " " + format.label() + " shards");
    List<Row> files =
        rows.repartitionById(partitions, writeTask(shards, partitions))
            .sortWithinPartitions(
                Partitions.TASK, ShardPlan.SHARD, ShardPlan.ORDINAL, ShardPlan.POS)
            .mapPartitions(
                new ShardPartitionWriter(
                    new SerializableConf(conf),
                    staging.toString(),
                    format,
                    shards,
                    rowGroup,
                    lists != null),
                Encoders.row(ShardPartitionWriter.RESULT))
            .collectAsList();
    return entries(files);
  }

  /**
   * The Spark task that writes a row's shard: the shard's number across all tasks, modulo {@code
   * partitions}, so shards are spread evenly (hashing task and shard left some partitions with
   * several shards and others with none, and the whole job waited for the fullest).
   */
  private static Column writeTask(Map<String, Integer> shards, int partitions) {
    List<Column> firstShards = new ArrayList<>();
    int first = 0;
    for (Map.Entry<String, Integer> e : shards.entrySet()) {
      firstShards.add(lit(e.getKey()));
      firstShards.add(lit(first));
      first += e.getValue();
    }
    return element_at(map(firstShards.toArray(new Column[0])), col(Partitions.TASK))
        .plus(col(ShardPlan.SHARD))
        .mod(lit(partitions))
        .cast(DataTypes.IntegerType);
  }

  /** One row per example, its images' locations in order in a list (null when it has none). */
  private static Dataset<Row> located(Dataset<Row> texts, Dataset<Row> lists) {
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
            col(ImageLocations.LOCATED),
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

  /**
   * The rows of the shards, one Spark row per example (with its images' locations) or, without
   * {@code lists}, a text row and one row per image with its bytes.
   */
  private static Dataset<Row> rows(
      Dataset<Row> examples, Dataset<Row> images, Dataset<Row> lists, ShardPlan.Summary plan) {
    Dataset<Row> placed = plan.plan().where(col(ShardPlan.COMPLETE));
    Dataset<Row> keys =
        placed.select(
            Partitions.TASK,
            ExampleTable.LANG,
            InstructionSchema.INS_ID,
            ShardPlan.SHARD,
            ShardPlan.ORDINAL);
    Dataset<Row> texts =
        examples
            .join(
                keys,
                ExampleTable.using(Partitions.TASK, ExampleTable.LANG, InstructionSchema.INS_ID))
            .select(
                col(Partitions.TASK),
                col(ShardPlan.SHARD),
                col(ShardPlan.ORDINAL),
                col(InstructionSchema.INS_ID),
                col(ExampleTable.LANG),
                col(InstructionSchema.INSTRUCTION),
                col(InstructionSchema.ANSWER),
                col(InContextSchema.CONTEXT));
    Dataset<Row> rows =
        lists != null
            ? located(texts, lists)
            : withImageRows(
                texts,
                ShardPlan.imageRefs(examples)
                    .join(
                        keys,
                        ExampleTable.using(
                            Partitions.TASK, ExampleTable.LANG, InstructionSchema.INS_ID)),
                images,
                plan.imageRefs() <= BROADCAST_REFS);
    return rows;
  }

  /** The manifest entries of the files the writers report ({@link ShardPartitionWriter#RESULT}). */
  private static List<ExportManifest.Entry> entries(List<Row> files) {
    List<ExportManifest.Entry> entries = new ArrayList<>();
    for (Row f : files) {
      Map<String, Long> langs = f.getJavaMap(4);
      entries.add(
          new ExportManifest.Entry(
              f.getString(1),
              f.getString(0),
              f.getString(2),
              f.getLong(3),
              new TreeMap<>(langs),
              f.getLong(5),
              f.getString(6),
              f.getString(7)));
    }
    return entries;
  }
}
