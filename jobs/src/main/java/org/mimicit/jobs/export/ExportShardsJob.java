package org.mimicit.jobs.export;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.export.ExportCommit;
import org.mimicit.common.export.ExportManifest;
import org.mimicit.common.io.DataFiles;
import org.mimicit.common.warehouse.JobStats;
import org.mimicit.common.warehouse.Partitions;
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
    logStart(config, tasks, languages);
    Dataset<Row> instructions =
        tables.instructions().where(col(Partitions.TASK).isin(tasks.toArray()));
    Dataset<Row> source = ExampleTable.source(instructions, tables.incontext());
    // text only, used by every query below: computed once
    Dataset<Row> examples =
        ExampleTable.examples(source, tables.translations(), languages)
            .persist(StorageLevel.MEMORY_AND_DISK());
    Path output = new Path(config.output());
    ExportCommit commit = startCommit(conf, output);
    List<Dataset<Row>> persisted = new ArrayList<>(); // released at the end
    try (ProgressReporter progress = new ProgressReporter(spark.sparkContext(), NAME, 10)) {
      List<ExportManifest.Entry> entries = new ArrayList<>();
      Dataset<Row> images = tables.images().where(col(Partitions.TASK).isin(tasks.toArray()));
      Dataset<Row> lists = imageLists(spark, tables, instructions, tasks, persisted);
      Dataset<Row> totals =
          lists != null
              ? ShardPlan.imageTotals(lists)
              : ShardPlan.imageTotals(instructions, ShardPlan.imageSizes(images));
      ShardPlan.Summary plan =
          ShardWriting.plan(
              spark,
              examples,
              totals,
              config,
              commit.staging(),
              ShardWriting.shardFormats(config).stream().findFirst().orElse(ExportFormat.PARQUET));
      logSkipped(plan.skipped());
      entries.addAll(
          ShardWriting.writeFormats(
              spark, conf, examples, images, lists, totals, config, commit.staging(), plan));
      if (config.formats().contains(ExportFormat.MIMICIT)) {
        entries.addAll(
            MimicitExport.writeAll(
                spark,
                conf,
                commit,
                tasks,
                languages,
                tables,
                instructions,
                source,
                examples,
                plan));
      }
      return finish(spark, conf, config, commit, entries, plan, started, startedAt);
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

  /**
   * Per instruction, where its images are (persisted, added to {@code persisted}); null when the
   * images table's bytes are not plain ranges of its files.
   */
  private static Dataset<Row> imageLists(
      SparkSession spark,
      WarehouseTables tables,
      Dataset<Row> instructions,
      List<String> tasks,
      List<Dataset<Row>> persisted) {
    spark.sparkContext().setJobDescription("locate images");
    Dataset<Row> locations = ImageLocations.locate(spark, tables.images(), tasks);
    if (locations == null) {
      LOG.info(
          "{}: the images table's bytes are not plain ranges of its files (not written "
              + "by convert-images); they move to the shards through a shuffle",
          NAME);
      return null;
    }
    persisted.add(locations);
    // a cached aggregate keeps its 200 shuffle partitions (adaptive execution does not merge
    // them): 200 tasks in each query reading it
    Dataset<Row> lists =
        ImageLocations.perInstruction(instructions, locations)
            .coalesce(spark.sparkContext().defaultParallelism())
            .persist(StorageLevel.MEMORY_AND_DISK());
    persisted.add(lists);
    return lists;
  }

  private static void logSkipped(Map<String, Map<String, Long>> skipped) {
    skipped.forEach(
        (task, byLang) ->
            LOG.warn(
                "{}: task {}: examples left out of the shards "
                    + "because an image is missing from the images table: {}",
                NAME,
                task,
                byLang));
  }

  private static void logStart(
      ExportShardsConfig config, List<String> tasks, List<String> languages) {
    LOG.info(
        "{}: {} -> {}: formats {}, tasks {}, languages {}, shard size {} bytes",
        NAME,
        config.warehouse(),
        config.output(),
        config.formats(),
        tasks,
        languages,
        config.shardBytes());
  }

  private static ExportCommit startCommit(Configuration conf, Path output) {
    try {
      return ExportCommit.start(DataFiles.fileSystem(output, conf), output);
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot prepare %s: %s", output, e.getMessage());
    }
  }

  /** Writes the manifest and {@code MD5SUMS}, publishes the export, writes the stats. */
  private static Result finish(
      SparkSession spark,
      Configuration conf,
      ExportShardsConfig config,
      ExportCommit commit,
      List<ExportManifest.Entry> entries,
      ShardPlan.Summary plan,
      long started,
      Instant startedAt)
      throws IOException {
    ExportManifest manifest = new ExportManifest(entries);
    FileSystem fs = DataFiles.fileSystem(commit.staging(), conf);
    for (ExportFormat format : ExportFormat.values()) {
      fs.delete(new Path(commit.staging(), "plan-" + format.label()), true);
    }
    manifest.write(fs, commit.staging());
    commit.publish();
    Result result = new Result(manifest, plan.exported(), plan.skipped());
    JobStats.write(
        conf,
        config.warehouse(),
        NAME,
        ExportStats.document(startedAt, (System.nanoTime() - started) / 1_000_000, config, result));
    LOG.info(
        "{}: {} files, {} bytes in {}",
        NAME,
        manifest.files().size(),
        manifest.files().stream().mapToLong(ExportManifest.Entry::bytes).sum(),
        config.output());
    return result;
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
