package org.mimicit.jobs.sources;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.LongAccumulator;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.ingest.IngestResult;
import org.mimicit.common.ingest.TableSpec;
import org.mimicit.common.ingest.WarehouseIngest;
import org.mimicit.common.media.FrameSampling;
import org.mimicit.common.media.Processing;
import org.mimicit.common.warehouse.RejectBudget;
import org.mimicit.common.warehouse.SerializableConf;
import org.mimicit.jobs.cli.JobCommand;
import org.mimicit.jobs.cli.Launcher;
import org.mimicit.jobs.cli.SparkOptions;
import org.mimicit.jobs.ingest.IngestConfig;
import org.mimicit.jobs.ingest.IngestRunner;
import org.mimicit.jobs.session.JobSession;
import org.mimicit.jobs.session.ProgressReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Convert-It as a Spark job: raw images and video frames of a public dataset's own folder layout
 * ({@code --source}) into {@code images/task=<TASK>/}, with the ids of the MIMIC-IT release. The
 * driver only lists files and balances them into tasks; executors read, decode (TwelveMonkeys
 * ImageIO, FFmpeg for JPEG and video), resize and encode. Unreadable images, half
 * Spot-the-Difference pairs and undecodable videos go to {@code rejected/images/}. Re-running
 * replaces only the task's partition; a failed run leaves the previous output as it was.
 *
 * <p>About 300 lines because half of it is {@link Cli}: fourteen options with their help texts,
 * nested because {@code META-INF/services} names {@code ConvertSourcesJob$Cli}. The work is in
 * {@link SourceFiles} (listing), {@link TaskBalancer}, {@link SourceConverter} and {@link
 * SourceRows} (executors).
 */
public final class ConvertSourcesJob {
  public static final String NAME = "convert-sources";
  private static final Logger LOG = LoggerFactory.getLogger(ConvertSourcesJob.class);

  private ConvertSourcesJob() {}

  public static void main(String[] args) {
    Launcher.main(NAME, args);
  }

  static IngestResult run(SparkSession spark, ConvertSourcesConfig config) {
    long started = System.nanoTime();
    Instant startedAt = Instant.now();
    IngestConfig ingest = config.ingest();
    LOG.info(
        "{}: {} source {} -> task {} in {} ({})",
        NAME,
        config.source().optionValue(),
        ingest.input(),
        config.task(),
        ingest.warehouse(),
        config.processing());
    Configuration conf = spark.sessionState().newHadoopConf();
    Set<String> ids = config.ids() == null ? null : SourceFiles.readIds(conf, config.ids());
    List<SourceItem> items =
        SourceFiles.list(conf, config.source(), ingest.input(), config.task(), ids);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<List<SourceItem>> tasks =
        TaskBalancer.balance(items, TaskBalancer.taskCount(items, jsc.defaultParallelism()));
    long videos = items.stream().filter(i -> i.kind() == SourceItem.Kind.VIDEO).count();
    LOG.info("{}: {} files ({} videos) in {} tasks", NAME, items.size(), videos, tasks.size());
    LongAccumulator files = jsc.sc().longAccumulator("files done");
    LongAccumulator images = jsc.sc().longAccumulator("images written");
    LongAccumulator frames = jsc.sc().longAccumulator("video frames written");
    JavaRDD<InternalRow> rows =
        jsc.parallelize(tasks, tasks.size())
            .mapPartitions(
                new SourceConverter(config, new SerializableConf(conf), files, images, frames));
    ProgressReporter progress =
        new ProgressReporter(
            spark.sparkContext(),
            NAME,
            10,
            () -> progressLine(files.value(), items.size(), images.value(), started));
    return IngestRunner.write(
        spark,
        NAME,
        TableSpec.IMAGES,
        ingest,
        progress,
        () ->
            WarehouseIngest.run(
                spark,
                rows,
                SourceConverter.SCHEMA,
                TableSpec.IMAGES,
                ingest.warehouse(),
                Set.of(config.task()),
                ingest.maxRejectRatio()),
        stats -> {
          stats.put("source", config.source().optionValue());
          stats.put("files", items.size());
          stats.put("videos", videos);
          stats.put("video_frames", frames.value());
          stats.put("processing", config.processing().toString());
        },
        started,
        startedAt);
  }

  /**
   * The sources step of {@code pipeline}: converts {@code <root>/folder}, {@code
   * <root>/spot-the-diff} and {@code <root>/video}, those that exist, with the default processing
   * into the tasks {@code CS_FOLDER}, {@code CS_SD} and {@code CS_DC} ({@code CS_} for
   * convert-sources), apart from the release's own LA, SD and DC that {@code convert-images}
   * writes. The spot-the-diff step allows up to 20% rejects: the bundled sample holds two pairs and
   * one deliberate half pair.
   */
  public static void runSources(
      SparkSession spark, String root, String warehouse, double maxRejectRatio) {
    Configuration conf = spark.sessionState().newHadoopConf();
    for (String[] step :
        new String[][] {{"folder", "CS_FOLDER"}, {"spot-the-diff", "CS_SD"}, {"video", "CS_DC"}}) {
      Path dir = new Path(root, step[0]);
      try {
        if (!dir.getFileSystem(conf).exists(dir)) {
          continue;
        }
      } catch (IOException e) {
        throw new MimicitException(e, "Cannot read %s: %s", dir, e.getMessage());
      }
      double ratio =
          step[0].equals("spot-the-diff") ? Math.max(maxRejectRatio, 0.2) : maxRejectRatio;
      run(
          spark,
          new ConvertSourcesConfig(
              new IngestConfig(dir.toString(), warehouse, Set.of(step[1]), ratio),
              SourceLayout.of(step[0]),
              null,
              1,
              FrameSampling.INDEX,
              4,
              Processing.defaults()));
    }
  }

  /** {@code ; 120/400 files, 35.2 images/s, ETA 0m8s}. */
  static String progressLine(long done, long total, long images, long startedNanos) {
    double seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
    String eta = done == 0 ? "unknown" : formatSeconds((long) ((total - done) * seconds / done));
    return String.format(
        Locale.ROOT, "; %d/%d files, %.1f images/s, ETA %s", done, total, images / seconds, eta);
  }

  private static String formatSeconds(long s) {
    return s / 60 + "m" + s % 60 + "s";
  }

  /** {@code convert-sources}. */
  @Command(
      name = NAME,
      mixinStandardHelpOptions = true,
      description =
          "Convert-It: raw public-source images and video frames -> images/task=<TASK>/, "
              + "with MIMIC-IT ids.")
  public static final class Cli implements JobCommand {
    @Option(
        names = "--source",
        required = true,
        paramLabel = "NAME",
        description =
            "The dataset layout: coco, spot-the-diff, scannet, tvqa-frames, video, folder.")
    String source;

    @Option(
        names = "--input",
        required = true,
        paramLabel = "DIR",
        description = "The dataset's folder, in its own layout; local or s3a://.")
    String input;

    @Option(
        names = "--task",
        required = true,
        paramLabel = "T",
        description =
            "The MIMIC-IT task the images belong to (LA, DC, SN, SD, TVC, E4D, or your own): "
                + "the partition and the id prefix <T>_IMG_.")
    String task;

    @Option(
        names = "--warehouse",
        required = true,
        paramLabel = "DIR",
        description = "The warehouse root; local or s3a://.")
    String warehouse;

    @Option(
        names = "--ids",
        paramLabel = "FILE",
        description =
            "Only these images: a file of ids or file stems, one a line, or a MIMIC-IT "
                + "instructions JSON (its image_ids). Meant for coco.")
    String ids;

    @Option(
        names = "--fps",
        paramLabel = "N",
        defaultValue = "1",
        description = "Video frames sampled a second (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(
        names = "--sampling",
        paramLabel = "MODE",
        defaultValue = "index",
        description =
            "index: every floor(native fps / fps)-th decoded frame from 0, as the original "
                + "tooling (default); timestamp: the first frame at or after each k/fps seconds.")
    String sampling;

    @Option(
        names = "--frame-index-digits",
        paramLabel = "N",
        defaultValue = "4",
        description =
            "Zero-padding of the frame index in video frame ids (default: ${DEFAULT-VALUE}; "
                + "8 for E4D's released ids).")
    int frameIndexDigits;

    @Option(
        names = "--resize",
        paramLabel = "WxH",
        defaultValue = "224x224",
        description =
            "Lanczos resize to this size (default: ${DEFAULT-VALUE}, aspect ratio not kept).")
    String resize;

    @Option(
        names = "--keep-aspect",
        description = "Fit inside --resize keeping the aspect ratio instead of stretching.")
    boolean keepAspect;

    @Option(
        names = "--format",
        paramLabel = "FORMAT",
        defaultValue = "png",
        description = "png (default) or jpeg.")
    String format;

    @Option(
        names = "--quality",
        paramLabel = "Q",
        defaultValue = "95",
        description = "JPEG quality, 1-100 (default: ${DEFAULT-VALUE}).")
    int quality;

    @Option(
        names = "--keep-original",
        description =
            "Store image files' bytes untouched (no decode, no resize); video frames at "
                + "full size in --format.")
    boolean keepOriginal;

    @Option(
        names = "--max-reject-ratio",
        paramLabel = "R",
        defaultValue = "" + RejectBudget.DEFAULT_MAX_RATIO,
        description =
            "Fail, committing nothing, when more than this share of files and frames is "
                + "rejected (default: ${DEFAULT-VALUE}).")
    double maxRejectRatio;

    @Mixin SparkOptions spark;

    /** The validated config of the options given. */
    ConvertSourcesConfig config() {
      int[] size = Processing.parseSize(resize);
      return new ConvertSourcesConfig(
          new IngestConfig(input, warehouse, Set.of(task), maxRejectRatio),
          SourceLayout.of(source),
          ids,
          fps,
          sampling(sampling),
          frameIndexDigits,
          new Processing(size[0], size[1], keepAspect, format, quality, keepOriginal));
    }

    private static FrameSampling sampling(String value) {
      for (FrameSampling s : FrameSampling.values()) {
        if (s.optionValue().equals(value)) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          String.format(
              "Cannot set --sampling to %s: the value must be index or timestamp.", value));
    }

    @Override
    public Integer call() {
      ConvertSourcesConfig config = config(); // validated before Spark starts
      run(JobSession.start(NAME, spark.conf()), config);
      return 0;
    }
  }
}
