package org.mimicit.jobs.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.mimicit.common.export.ExportManifest;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.warehouse.Partitions;
import org.mimicit.common.warehouse.SerializableConf;

/**
 * The Parquet and WebDataset shards: per format the plan ({@link ShardPlan}), computed once into
 * the staging folder, then the shards written in parallel, one Spark task per shard (up to {@link
 * #MAX_WRITE_TASKS}) running a {@link ShardPartitionWriter} over the rows of {@link ShardRows}. In
 * the images-once layout the Parquet examples refer to their images, whose bytes go once each into
 * the image shards ({@link ImageShards}).
 */
final class ShardExport {
  // the job's messages, under the job's name
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ExportShardsJob.class);

  /** Image references up to which the id side of the image join is broadcast. */
  private static final long BROADCAST_REFS = 1_000_000;

  /** Shards written at once at most: one Spark task per shard up to this many. */
  private static final int MAX_WRITE_TASKS = 10_000;

  private final SparkSession spark;
  private final Configuration conf;
  private final ExportShardsConfig config;
  private final ExportInputs inputs;
  private final ExportOutput output;
  private final List<ExportFormat> formats;
  private final Dataset<Row> imageTotals;
  private final boolean referencing;
  private Dataset<Row> setImages;

  /** After {@link ExportInputs#locateImages}: the plans read the image lists it caches. */
  ShardExport(
      SparkSession spark,
      Configuration conf,
      ExportShardsConfig config,
      ExportInputs inputs,
      ExportOutput output) {
    this.spark = spark;
    this.conf = conf;
    this.config = config;
    this.inputs = inputs;
    this.output = output;
    this.formats = config.formats().stream().filter(f -> f != ExportFormat.MIMICIT).toList();
    this.imageTotals = inputs.imageTotals();
    this.referencing = config.referencing() && formats.contains(ExportFormat.PARQUET);
    if (referencing) {
      inputs.referenceImages(spark);
    }
  }

  /** Whether {@code format}'s shards refer to their images (Parquet in the images-once layout). */
  private boolean referencing(ExportFormat format) {
    return referencing && format == ExportFormat.PARQUET;
  }

  /** Whether {@code format}'s samples are image sets (WebDataset in the images-once layout). */
  private boolean grouped(ExportFormat format) {
    return config.referencing() && format == ExportFormat.WEBDATASET;
  }

  /** Per image set its images ({@link SampleGroups#setImages}), cached at first use. */
  private Dataset<Row> setImages() {
    if (setImages == null) {
      Dataset<Row> sets =
          SampleGroups.setImages(inputs.instructions(), inputs.images(), inputs.locations());
      if (inputs.locations() != null) {
        sets = sets.coalesce(inputs.cachePartitions()); // locations, not bytes: small
      }
      setImages = sets.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
      inputs.keep(setImages);
    }
    return setImages;
  }

  /**
   * The plan of the first shard format asked (Parquet's when none is): which examples are exported
   * and which are left out, for every format.
   */
  ShardPlan.Summary plan() {
    return plan(formats.isEmpty() ? ExportFormat.PARQUET : formats.get(0));
  }

  /** Writes the shards of every format asked; {@code first}: from {@link #plan()}. */
  List<ExportManifest.Entry> write(ShardPlan.Summary first) {
    List<ExportManifest.Entry> entries = new ArrayList<>();
    for (ExportFormat format : formats) {
      ShardPlan.Summary plan = format == formats.get(0) ? first : plan(format);
      entries.addAll(write(plan, format));
    }
    return entries;
  }

  /** A format's shard plan, computed once into the staging folder (small: ids and numbers). */
  private ShardPlan.Summary plan(ExportFormat format) {
    String path = output.planPath(format).toString();
    spark.sparkContext().setJobDescription("plan " + format.label() + " shards");
    (grouped(format)
            ? SampleGroups.plan(inputs.examples(), setImages(), config.shardBytes())
            : ShardPlan.plan(
                inputs.examples(),
                referencing(format) ? inputs.referenceTotals() : imageTotals,
                config.shardBytes(),
                format))
        .write()
        .parquet(path);
    ShardPlan.Summary summary = ShardPlan.Summary.of(spark.read().parquet(path));
    summary
        .oversize()
        .forEach(
            (task, n) ->
                LOG.warn(
                    "{}: task {}: {} {} example(s) larger than --shard-size {} bytes: each has a"
                        + " shard of its own",
                    ExportShardsJob.NAME,
                    task,
                    n,
                    format.label(),
                    config.shardBytes()));
    return summary;
  }

  /** Writes the planned shards of one format; returns their manifest entries. */
  private List<ExportManifest.Entry> write(ShardPlan.Summary plan, ExportFormat format) {
    Map<String, Integer> shards = plan.shards();
    if (shards.isEmpty()) {
      return List.of();
    }
    boolean refs = referencing(format);
    boolean grouped = grouped(format);
    Dataset<Row> rows =
        grouped
            ? SampleGroups.rows(plan.plan(), inputs.examples(), setImages())
            : refs
                ? ShardRows.listed(plan.plan(), inputs.examples(), inputs.refs(), ImageShards.REFS)
                : ShardRows.of(
                    plan.plan(),
                    inputs.examples(),
                    inputs.images(),
                    inputs.lists(),
                    plan.imageRefs() <= BROADCAST_REFS);
    ShardPartitionWriter.Input input =
        grouped
            ? ShardPartitionWriter.Input.GROUPED
            : refs
                ? ShardPartitionWriter.Input.REFERENCED
                : inputs.lists() != null
                    ? ShardPartitionWriter.Input.LOCATED
                    : ShardPartitionWriter.Input.ROWS;
    int total = shards.values().stream().mapToInt(Integer::intValue).sum();
    int partitions = Math.min(total, MAX_WRITE_TASKS);
    long rowGroup = ShardPlan.rowGroupBytes(config.shardBytes());
    spark.sparkContext().setJobDescription("write " + total + " " + format.label() + " shards");
    List<Row> files =
        rows.repartitionById(partitions, writeTask(shards, partitions))
            .sortWithinPartitions(writeOrder(grouped))
            .mapPartitions(
                new ShardPartitionWriter(
                    new SerializableConf(conf),
                    output.staging().toString(),
                    format,
                    shards,
                    rowGroup,
                    input),
                Encoders.row(ShardPartitionWriter.RESULT))
            .collectAsList();
    List<ExportManifest.Entry> entries = new ArrayList<>();
    for (Row file : files) {
      entries.add(ShardPartitionWriter.entryOf(file));
    }
    if (refs) {
      entries.addAll(
          ImageShards.write(
              spark,
              conf,
              inputs,
              plan,
              output.planPath(ImageShards.FOLDER),
              output.staging(),
              config.shardBytes(),
              rowGroup));
    }
    return entries;
  }

  /**
   * The order of a write task's rows: by shard and ordinal, then the images of an example (pos) or
   * the examples of a sample (ins_id, lang).
   */
  private static Column[] writeOrder(boolean grouped) {
    List<String> names =
        grouped
            ? List.of(
                Partitions.TASK,
                ShardPlan.SHARD,
                ShardPlan.ORDINAL,
                InstructionSchema.INS_ID,
                ExampleTable.LANG)
            : List.of(Partitions.TASK, ShardPlan.SHARD, ShardPlan.ORDINAL, ShardPlan.POS);
    return names.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
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
}
