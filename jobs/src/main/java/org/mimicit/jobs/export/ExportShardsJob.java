package org.mimicit.jobs.export;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.mimicit.common.export.ExportManifest;
import org.mimicit.common.warehouse.JobStats;
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
 *
 * <p>The stages, in order: {@link ExportInputs} (tables, examples, image locations, caches), {@link
 * ShardExport} (plans and Parquet/WebDataset shards), {@link MimicitExport} (release-layout JSON),
 * {@link ExportOutput} (staging, manifest, commit, stats).
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
    ExportInputs inputs = ExportInputs.read(spark, config);
    ExportOutput output = ExportOutput.start(conf, config.output());
    try (ProgressReporter progress = new ProgressReporter(spark.sparkContext(), NAME, 10)) {
      inputs.locateImages(spark);
      ShardExport shards = new ShardExport(spark, conf, config, inputs, output);
      ShardPlan.Summary plan = shards.plan();
      long planned = System.nanoTime();
      warnSkipped(plan.skipped());
      List<ExportManifest.Entry> entries = new ArrayList<>(shards.write(plan));
      long written = System.nanoTime();
      if (config.formats().contains(ExportFormat.MIMICIT)) {
        entries.addAll(MimicitExport.write(spark, conf, output.staging(), inputs, plan));
      }
      ExportManifest manifest = output.publish(entries);
      Result result = new Result(manifest, plan.exported(), plan.skipped());
      long ms = (System.nanoTime() - started) / 1_000_000;
      // where the time went: reading and planning, then the shards (the part that grows with the
      // bytes), then the release files, the manifest and the commit
      Map<String, Long> phases = new java.util.LinkedHashMap<>();
      long planMs = (planned - started) / 1_000_000;
      long upToShardsMs = (written - started) / 1_000_000;
      phases.put("plan", planMs);
      phases.put("write_shards", upToShardsMs - planMs);
      phases.put("rest", ms - upToShardsMs);
      JobStats.write(
          conf,
          config.warehouse(),
          NAME,
          ExportOutput.stats(startedAt, ms, phases, config, result));
      LOG.info(
          "{}: {} files, {} bytes in {}",
          NAME,
          manifest.files().size(),
          ExportOutput.bytes(manifest),
          output.path());
      return result;
    } catch (IOException | RuntimeException e) {
      throw output.abort(e);
    } finally {
      spark.sparkContext().setJobDescription(null);
      inputs.release();
    }
  }

  /** Examples with a missing image cannot be self-contained: the shards leave them out. */
  private static void warnSkipped(Map<String, Map<String, Long>> skipped) {
    skipped.forEach(
        (task, byLang) ->
            LOG.warn(
                "{}: task {}: examples left out of the shards "
                    + "because an image is missing from the images table: {}",
                NAME,
                task,
                byLang));
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

    @Option(
        names = "--image-layout",
        paramLabel = "LAYOUT",
        defaultValue = "once",
        description =
            "Parquet images: once (each image's bytes once per export, by SHA-256, in"
                + " parquet/images/; example rows refer to them by image_id and sha256) or"
                + " per-example (the bytes in every example row). Default: ${DEFAULT-VALUE}.")
    String imageLayout;

    @Mixin SparkOptions spark;

    @Override
    public Integer call() {
      ExportShardsConfig config =
          ExportShardsConfig.parse(
              warehouse,
              output,
              formats,
              tasks,
              languages,
              shardSize,
              imageLayout); // validated before Spark starts
      run(JobSession.start(NAME, spark.conf()), config);
      return 0;
    }
  }
}
