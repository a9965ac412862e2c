package org.mimicit.jobs.export;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.export.ExportCommit;
import org.mimicit.common.export.ExportManifest;
import org.mimicit.common.io.DataFiles;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.schema.InContextSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.warehouse.JobStats;
import org.mimicit.common.warehouse.Partitions;
import org.mimicit.common.warehouse.SerializableConf;
import org.mimicit.jobs.cli.JobCommand;
import org.mimicit.jobs.cli.Launcher;
import org.mimicit.jobs.cli.SparkOptions;
import org.mimicit.jobs.session.JobSession;
import org.mimicit.jobs.session.ProgressReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Exports training shards from the warehouse. Input: the {@code instructions}, {@code images},
 * {@code incontext} (optional) and {@code translations} (optional) tables. Output, in {@code
 * --output}: {@code <TASK>/} in the MIMIC-IT release layout, {@code parquet/<TASK>/} and {@code
 * webdataset/<TASK>/} shards of self-contained examples, {@code manifest.json} and {@code MD5SUMS}.
 * Shards are planned from the input alone (see {@link ShardPlan}) and written in parallel, each in
 * every asked format; the same warehouse gives byte-identical files. The export is staged beside
 * the output and replaces it only when complete, so re-running is safe and a failed run leaves the
 * previous export as it was.
 */
public final class ExportShardsJob {
  public static final String NAME = "export-shards";
  private static final Logger LOG = LoggerFactory.getLogger(ExportShardsJob.class);
  private static final long MAX_ROW_GROUP_BYTES = 128L << 20;

  /** Image references up to which the id side of the image join is broadcast. */
  private static final long BROADCAST_REFS = 1_000_000;

  /** Shards written at once at most: one Spark task per shard up to this many. */
  private static final int MAX_WRITE_TASKS = 10_000;

  private ExportShardsJob() {}

  public static void main(String[] args) {
    Launcher.main(NAME, args);
  }

  /** What was exported, for the stats and the caller. */
  public record Result(
      ExportManifest manifest,
      Map<String, Map<String, Long>> examples,
      Map<String, Map<String, Long>> skipped) {}

  public static Result run(SparkSession spark, ExportShardsConfig config) {
    long started = System.nanoTime();
    Instant startedAt = Instant.now();
    Configuration conf = spark.sessionState().newHadoopConf();
    WarehouseTables tables = WarehouseTables.read(spark, config.warehouse());
    List<String> tasks = tables.tasks(config.tasks());
    List<String> languages = tables.languages(tasks, config.languages());
    LOG.info(
        "{}: {} -> {}: formats {}, tasks {}, languages {}, shard size {} bytes",
        NAME,
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
    Dataset<Row> examples =
        ExampleTable.examples(source, tables.translations(), languages)
            .persist(StorageLevel.MEMORY_AND_DISK());
    Path output = new Path(config.output());
    ExportCommit commit;
    List<Dataset<Row>> persisted = new ArrayList<>(); // released at the end
    try {
      commit = ExportCommit.start(DataFiles.fileSystem(output, conf), output);
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot prepare %s: %s", output, e.getMessage());
    }
    try (ProgressReporter progress = new ProgressReporter(spark.sparkContext(), NAME, 10)) {
      List<ExportManifest.Entry> entries = new ArrayList<>();
      List<ExportFormat> shardFormats =
          config.formats().stream().filter(f -> f != ExportFormat.MIMICIT).toList();
      Dataset<Row> images = tables.images().where(col(Partitions.TASK).isin(tasks.toArray()));
      spark.sparkContext().setJobDescription("locate images");
      Dataset<Row> locations = ImageLocations.locate(spark, tables.images(), tasks);
      Dataset<Row> lists = null; // per instruction where its images are, when plain ranges
      if (locations == null) {
        LOG.info(
            "{}: the images table's bytes are not plain ranges of its files (not written "
                + "by convert-images); they move to the shards through a shuffle",
            NAME);
      } else {
        persisted.add(locations);
        // a cached aggregate keeps its 200 shuffle partitions (adaptive execution does not merge
        // them): 200 tasks in each query reading it
        lists =
            ImageLocations.perInstruction(instructions, locations)
                .coalesce(spark.sparkContext().defaultParallelism())
                .persist(StorageLevel.MEMORY_AND_DISK());
        persisted.add(lists);
      }
      Dataset<Row> totals =
          lists != null
              ? ShardPlan.imageTotals(lists)
              : ShardPlan.imageTotals(instructions, ShardPlan.imageSizes(images));
      ShardPlan.Summary plan =
          plan(
              spark,
              examples,
              totals,
              config,
              commit.staging(),
              shardFormats.isEmpty() ? ExportFormat.PARQUET : shardFormats.get(0));
      Map<String, Map<String, Long>> exported = plan.exported();
      Map<String, Map<String, Long>> skipped = plan.skipped();
      skipped.forEach(
          (task, byLang) ->
              LOG.warn(
                  "{}: task {}: examples left out of the shards "
                      + "because an image is missing from the images table: {}",
                  NAME,
                  task,
                  byLang));
      for (ExportFormat format : shardFormats) {
        ShardPlan.Summary formatPlan =
            format == shardFormats.get(0)
                ? plan
                : plan(spark, examples, totals, config, commit.staging(), format);
        entries.addAll(
            writeShards(
                spark,
                conf,
                examples,
                images,
                lists,
                formatPlan,
                format,
                config,
                commit.staging()));
      }
      if (config.formats().contains(ExportFormat.MIMICIT)) {
        MimicitExport mimicit = new MimicitExport(conf, commit.staging());
        for (String task : tasks) {
          spark.sparkContext().setJobDescription("mimicit files of " + task);
          try {
            entries.addAll(
                mimicit.write(
                    task,
                    tables.images(),
                    instructions,
                    source,
                    examples,
                    languages.stream()
                        .filter(
                            l ->
                                exported.getOrDefault(task, Map.of()).containsKey(l)
                                    || skipped.getOrDefault(task, Map.of()).containsKey(l))
                        .toList(),
                    tables.incontext() != null));
          } catch (IOException e) {
            throw MimicitExport.failure(task, e);
          }
        }
      }
      ExportManifest manifest = new ExportManifest(entries);
      FileSystem fs = DataFiles.fileSystem(commit.staging(), conf);
      for (ExportFormat format : ExportFormat.values()) {
        fs.delete(new Path(commit.staging(), "plan-" + format.label()), true);
      }
      manifest.write(fs, commit.staging());
      commit.publish();
      Result result = new Result(manifest, exported, skipped);
      JobStats.write(
          conf,
          config.warehouse(),
          NAME,
          stats(startedAt, (System.nanoTime() - started) / 1_000_000, config, result));
      LOG.info(
          "{}: {} files, {} bytes in {}",
          NAME,
          manifest.files().size(),
          manifest.files().stream().mapToLong(ExportManifest.Entry::bytes).sum(),
          output);
      return result;
    } catch (IOException | RuntimeException e) {
      commit.abort();
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new MimicitException(e, "Cannot export to %s: %s", output, e.getMessage());
    } finally {
      spark.sparkContext().setJobDescription(null);
      examples.unpersist();
      persisted.forEach(Dataset::unpersist);
    }
  }

  /** A format's shard plan, computed once into the staging folder (small: ids and numbers). */
  private static ShardPlan.Summary plan(
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
  private static List<ExportManifest.Entry> writeShards(
      SparkSession spark,
      Configuration conf,
      Dataset<Row> examples,
      Dataset<Row> images,
      Dataset<Row> lists,
      ShardPlan.Summary plan,
      ExportFormat format,
      ExportShardsConfig config,
      Path staging) {
    Dataset<Row> placed = plan.plan().where(col(ShardPlan.COMPLETE));
    Map<String, Integer> shards = plan.shards();
    if (shards.isEmpty()) {
      return List.of();
    }
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

  private static ObjectNode stats(
      Instant started, long ms, ExportShardsConfig config, Result result) {
    ObjectNode root =
        JobStats.header(
            NAME,
            started,
            ms,
            JobStats.paths("warehouse", config.warehouse(), "output", config.output()));
    var formats = root.putArray("formats");
    config.formats().forEach(f -> formats.add(f.label()));
    root.put("shard_bytes", config.shardBytes());
    root.put("files", result.manifest().files().size());
    root.put(
        "bytes_out",
        result.manifest().files().stream().mapToLong(ExportManifest.Entry::bytes).sum());
    ObjectNode tasks = root.putObject("tasks");
    TreeSet<String> names = new TreeSet<>(result.examples().keySet());
    names.addAll(result.skipped().keySet());
    for (String task : names) {
      ObjectNode t = tasks.putObject(task);
      ObjectNode ex = t.putObject("examples");
      result.examples().getOrDefault(task, Map.of()).forEach(ex::put);
      ObjectNode sk = t.putObject("skipped_missing_images");
      result.skipped().getOrDefault(task, Map.of()).forEach(sk::put);
    }
    return root;
  }

  /** {@code export-shards}. */
  @Command(
      name = NAME,
      mixinStandardHelpOptions = true,
      description =
          "Warehouse -> training shards in --output: the MIMIC-IT release layout "
              + "(<TASK>/), parquet/<TASK>/ and webdataset/<TASK>/ shards, manifest.json, MD5SUMS.")
  public static final class Cli implements JobCommand {
    @Option(
        names = "--warehouse",
        required = true,
        paramLabel = "DIR",
        description = "The warehouse (instructions, images; incontext and translations if there).")
    String warehouse;

    @Option(
        names = "--output",
        required = true,
        paramLabel = "DIR",
        description =
            "The export folder; replaced as a whole when the export is complete. It "
                + "must be new, empty, or an earlier export.")
    String output;

    @Option(
        names = "--format",
        split = ",",
        paramLabel = "FORMAT",
        defaultValue = "mimicit,parquet,webdataset",
        description = "mimicit, parquet, webdataset (default: ${DEFAULT-VALUE}).")
    List<String> formats;

    @Option(
        names = "--tasks",
        split = ",",
        paramLabel = "TASK",
        description = "Only these tasks (default: all).")
    List<String> tasks = List.of();

    @Option(
        names = "--languages",
        split = ",",
        paramLabel = "LANG",
        description =
            "en (the source text) and translated languages, e.g. en,zh,ja "
                + "(default: en and every language with translations).")
    List<String> languages = List.of();

    @Option(
        names = "--shard-size",
        paramLabel = "SIZE",
        defaultValue = "256MB",
        description =
            "Target size of a shard: bytes, or with K, M, G (powers of 1024; KB, MB, "
                + "GB too). Default: ${DEFAULT-VALUE}.")
    String shardSize;

    @Mixin SparkOptions spark;

    @Override
    public Integer call() {
      ExportShardsConfig config =
          ExportShardsConfig.parse(
              warehouse, output, formats, tasks, languages,
              shardSize); // validated before Spark starts
      run(JobSession.start(NAME, spark.conf()), config);
      return 0;
    }
  }
}
