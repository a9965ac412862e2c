package org.mimicit.jobs.export;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.mimicit.common.warehouse.Partitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the export reads: the warehouse tables, the tasks and languages asked, the examples (text
 * only, cached: every later query reads them) and, when the images table stores its bytes as plain
 * ranges, per instruction where its images are (cached too). {@link #release} drops the caches.
 */
final class ExportInputs {
  // the job's messages, under the job's name as before the stages were split out
  private static final Logger LOG = LoggerFactory.getLogger(ExportShardsJob.class);

  /** Bytes of the text tables' Parquet files per partition of the cached aggregates. */
  static final long CACHE_PARTITION_BYTES = 32L << 20;

  private final WarehouseTables tables;
  private final List<String> tasks;
  private final List<String> languages;
  private final Dataset<Row> instructions;
  private final Dataset<Row> source;
  private final Dataset<Row> examples;
  private final Dataset<Row> images;
  private final int cachePartitions;
  private final List<Dataset<Row>> persisted = new ArrayList<>(); // released at the end
  private Dataset<Row> locations; // where each image's bytes are, when plain ranges
  private Dataset<Row> lists; // per instruction where its images are, when plain ranges
  private Dataset<Row> refs; // per instruction its images' ids and SHA-256, when referencing

  private ExportInputs(
      WarehouseTables tables,
      List<String> tasks,
      List<String> languages,
      Dataset<Row> instructions,
      Dataset<Row> source,
      Dataset<Row> examples,
      int cachePartitions) {
    this.tables = tables;
    this.tasks = tasks;
    this.languages = languages;
    this.instructions = instructions;
    this.source = source;
    this.examples = examples;
    this.cachePartitions = cachePartitions;
    this.images = tables.images().where(col(Partitions.TASK).isin(tasks.toArray()));
  }

  /** Reads the tables, checks the tasks and languages asked and defines the examples. */
  static ExportInputs read(SparkSession spark, ExportShardsConfig config) {
    WarehouseTables tables = WarehouseTables.read(spark, config.warehouse());
    List<String> tasks = tables.tasks(config.tasks());
    List<String> languages = tables.languages(tasks, config.languages());
    LOG.info(
        "{}: {} -> {}: formats {}, tasks {}, languages {}, shard size {} bytes",
        ExportShardsJob.NAME,
        config.warehouse(),
        config.output(),
        config.formats(),
        tasks,
        languages,
        config.shardBytes());
    Dataset<Row> instructions =
        tables.instructions().where(col(Partitions.TASK).isin(tasks.toArray()));
    Dataset<Row> source = ExampleTable.source(instructions, tables.incontext());
    // text only, used by every query below: computed once
    int partitions = cachePartitions(spark, tables);
    Dataset<Row> examples =
        ExampleTable.examples(source, tables.translations(), languages)
            .coalesce(partitions)
            .persist(StorageLevel.MEMORY_AND_DISK());
    return new ExportInputs(tables, tasks, languages, instructions, source, examples, partitions);
  }

  /**
   * The partitions of the cached aggregates: one per {@link #CACHE_PARTITION_BYTES} of the text
   * tables' files, at least the default parallelism, at most the shuffle partitions. A cached
   * aggregate keeps its shuffle partitions (adaptive execution does not merge them), and every
   * query reading it then runs that many tasks: on a small export, 200-task stages were most of the
   * time.
   */
  private static int cachePartitions(SparkSession spark, WarehouseTables tables) {
    long bytes = 0;
    for (Dataset<Row> table :
        java.util.Arrays.asList(tables.instructions(), tables.incontext(), tables.translations())) {
      if (table != null) {
        bytes += table.queryExecution().analyzed().stats().sizeInBytes().longValue();
      }
    }
    int parallelism = spark.sparkContext().defaultParallelism();
    int most = Math.max(parallelism, spark.sessionState().conf().numShufflePartitions());
    long wanted = (bytes + CACHE_PARTITION_BYTES - 1) / CACHE_PARTITION_BYTES;
    return (int) Math.min(most, Math.max(parallelism, wanted));
  }

  /**
   * Finds where the images lie in the images table's files and, when they are plain ranges, caches
   * per instruction the locations of its images ({@link #lists}).
   */
  void locateImages(SparkSession spark) {
    spark.sparkContext().setJobDescription("locate images");
    locations = ImageLocations.locate(spark, tables.images(), tasks);
    if (locations == null) {
      LOG.info(
          "{}: the images table's bytes are not plain ranges of its files (not written "
              + "by convert-images); they move to the shards through a shuffle",
          ExportShardsJob.NAME);
      return;
    }
    persisted.add(locations);
    lists =
        ImageLocations.perInstruction(instructions, locations)
            .coalesce(cachePartitions)
            .persist(StorageLevel.MEMORY_AND_DISK());
    persisted.add(lists);
  }

  /**
   * Caches per instruction its images' ids and SHA-256 ({@link ImageShards#perInstruction}), for
   * referencing shards.
   */
  void referenceImages(SparkSession spark) {
    refs =
        ImageShards.perInstruction(instructions, images)
            .coalesce(cachePartitions)
            .persist(StorageLevel.MEMORY_AND_DISK());
    persisted.add(refs);
  }

  /** Per instruction the images found and their sizes ({@link ShardPlan#imageTotals}). */
  Dataset<Row> imageTotals() {
    return lists != null
        ? ShardPlan.imageTotals(lists)
        : ShardPlan.imageTotals(instructions, ShardPlan.imageSizes(images));
  }

  /**
   * Per instruction the images found and the size of their references, for referencing shards
   * ({@link ShardPlan#referenceTotals}); after {@link #referenceImages}.
   */
  Dataset<Row> referenceTotals() {
    return ShardPlan.referenceTotals(refs);
  }

  /**
   * The partitions of cached aggregates ({@link #cachePartitions(SparkSession, WarehouseTables)}).
   */
  int cachePartitions() {
    return cachePartitions;
  }

  /** Drops {@code cached} with the other caches at the end. */
  void keep(Dataset<Row> cached) {
    persisted.add(cached);
  }

  /** Drops the cached examples and image locations. */
  void release() {
    examples.unpersist();
    persisted.forEach(Dataset::unpersist);
  }

  WarehouseTables tables() {
    return tables;
  }

  List<String> tasks() {
    return tasks;
  }

  List<String> languages() {
    return languages;
  }

  /** The instructions of the tasks asked. */
  Dataset<Row> instructions() {
    return instructions;
  }

  /** The source examples with their context ({@link ExampleTable#source}). */
  Dataset<Row> source() {
    return source;
  }

  /** The examples in every language asked ({@link ExampleTable#examples}), cached. */
  Dataset<Row> examples() {
    return examples;
  }

  /** The images of the tasks asked. */
  Dataset<Row> images() {
    return images;
  }

  /**
   * Per instruction the locations of its images ({@link ImageLocations#perInstruction}), cached;
   * null before {@link #locateImages} or when the images are not plain ranges.
   */
  Dataset<Row> lists() {
    return lists;
  }

  /**
   * Where each image's bytes are in the images table's files ({@link ImageLocations#locate}),
   * cached; null before {@link #locateImages} or when the images are not plain ranges.
   */
  Dataset<Row> locations() {
    return locations;
  }

  /** Per instruction its images' references ({@link #referenceImages}), cached; else null. */
  Dataset<Row> refs() {
    return refs;
  }
}
