package org.mimicit.jobs.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.report.ReportPage;
import org.mimicit.common.report.Section;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.schema.InContextSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.schema.RejectedSchema;
import org.mimicit.common.schema.TranslationSchema;
import org.mimicit.jobs.cli.JobCommand;
import org.mimicit.jobs.cli.Launcher;
import org.mimicit.jobs.cli.SparkOptions;
import org.mimicit.jobs.session.JobSession;
import org.mimicit.jobs.session.ProgressReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Writes the data-quality report of a warehouse: one self-contained HTML page with charts (images
 * by format, size and bytes; instruction and answer lengths; contexts; rejected rows; translation
 * coverage; generated pairs; API use; the last export; exact duplicates). Input: the warehouse's
 * tables and its {@code _stats} files. Output: {@code <warehouse>/_report/index.html} or {@code
 * --output}, replaced as a whole. Every number is a Spark aggregate; only a few sample rows reach
 * the driver. A missing or empty table is reported as such.
 */
public final class BuildReportJob {
  public static final String NAME = "report";
  private static final Logger LOG = LoggerFactory.getLogger(BuildReportJob.class);

  private BuildReportJob() {}

  public static void main(String[] args) {
    Launcher.main(NAME, args);
  }

  /** Builds the report and writes it; returns the path written. */
  public static String run(SparkSession spark, ReportConfig config) {
    long started = System.nanoTime();
    LOG.info("{}: warehouse {} -> {}", NAME, config.warehouse(), config.output());
    ReportInputs in = ReportInputs.open(spark, config);
    String html;
    try (ProgressReporter progress = new ProgressReporter(spark.sparkContext(), NAME, 10)) {
      html = build(in).render();
    }
    write(spark, config.output(), html);
    LOG.info(
        "{}: wrote {} ({} bytes) in {} ms",
        NAME,
        config.output(),
        html.length(),
        (System.nanoTime() - started) / 1_000_000);
    return config.output();
  }

  static ReportPage build(ReportInputs in) {
    ReportConfig config = in.config();
    ReportPage page =
        new ReportPage("MIMIC-IT warehouse report")
            .fact("warehouse", config.warehouse())
            .fact("written", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
            .fact(
                "tasks",
                config.tasks().isEmpty()
                    ? "all"
                    : String.join(", ", new java.util.TreeSet<>(config.tasks())));
    Section overview = page.section("overview", "Overview");
    Section images = page.section("images", "Images");
    Section instructions = page.section("instructions", "Instructions");
    Section contexts = page.section("contexts", "In-context examples");
    Section rejected = page.section("rejected", "Rejected rows");
    Section translations = page.section("translations", "Translations");
    Section generated = page.section("generated", "Generated pairs");
    Section api = page.section("api", "API requests, tokens and cost");
    Section export = page.section("export", "Last export");
    Section duplicates = page.section("duplicates", "Exact duplicates");

    SparkSession spark = in.spark();
    Map<String, Long> rows = new TreeMap<>();
    spark.sparkContext().setJobDescription("report: images");
    rows.put(ImageSchema.TABLE, sum(ImageReport.add(images, duplicates, in)));
    spark.sparkContext().setJobDescription("report: instructions");
    Map<String, Long> perTask = InstructionReport.add(instructions, generated, duplicates, in);
    rows.put(InstructionSchema.TABLE, sum(perTask));
    spark.sparkContext().setJobDescription("report: in-context");
    rows.put(InContextSchema.TABLE, ContextReport.add(contexts, in));
    spark.sparkContext().setJobDescription("report: rejected");
    List<Row> rejectedCounts = RejectedReport.add(rejected, in);
    rejectedCounts.forEach(
        r -> rows.merge(RejectedSchema.pathOf(r.getString(0)), r.getLong(3), Long::sum));
    spark.sparkContext().setJobDescription("report: translations");
    rows.put(TranslationSchema.TABLE, TranslationReport.add(translations, in, perTask));
    spark.sparkContext().setJobDescription(null);
    RunStatsReport.generation(generated, in);
    RunStatsReport.api(api, in);
    RunStatsReport.export(export, in);
    Overview.fill(overview, in, rows);
    return page;
  }

  private static long sum(Map<String, Long> perTask) {
    return perTask.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Writes through a hidden temporary file and a rename: never a half-written page. */
  private static void write(SparkSession spark, String output, String html) {
    Path target = new Path(output);
    Path temp = new Path(target.getParent(), "." + target.getName() + ".tmp");
    try {
      FileSystem fs = target.getFileSystem(spark.sessionState().newHadoopConf());
      fs.setWriteChecksum(false); // no .crc file beside the page on a local disk
      try (OutputStream out = fs.create(temp, true)) {
        out.write(html.getBytes(StandardCharsets.UTF_8));
      }
      fs.delete(target, false);
      if (!fs.rename(temp, target)) {
        throw new IOException("rename of " + temp + " failed");
      }
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot write the report to %s: %s", output, e.getMessage());
    }
  }

  /** {@code report}. */
  @Command(
      name = NAME,
      mixinStandardHelpOptions = true,
      description =
          "The data-quality report of a warehouse: one self-contained HTML page with charts"
              + " (default: <warehouse>/_report/index.html). Prints the path written.")
  public static final class Cli implements JobCommand {
    @Spec CommandSpec spec;

    @Option(
        names = "--warehouse",
        required = true,
        paramLabel = "DIR",
        description = "The warehouse to report on; local or s3a://.")
    String warehouse;

    @Option(
        names = "--output",
        paramLabel = "FILE",
        description = "The HTML file to write (default: <warehouse>/_report/index.html).")
    String output;

    @Option(
        names = "--tasks",
        split = ",",
        paramLabel = "TASK",
        description = "Only these tasks (default: all).")
    List<String> tasks = List.of();

    @Option(
        names = "--price-per-1k-tokens",
        paramLabel = "USD",
        defaultValue = "0",
        description = "Prices the API stages' tokens (default: ${DEFAULT-VALUE}).")
    double pricePer1kTokens;

    @Option(
        names = "--samples",
        paramLabel = "N",
        defaultValue = "" + ReportConfig.DEFAULT_SAMPLES,
        description =
            "Rows shown per rejected reason and task, and one fewer sample pair per language"
                + " (default: ${DEFAULT-VALUE}).")
    int samples;

    @Mixin SparkOptions spark;

    @Override
    public Integer call() {
      ReportConfig config =
          new ReportConfig(warehouse, output, Set.copyOf(tasks), pricePer1kTokens, samples);
      String written = run(JobSession.start(NAME, spark.conf()), config);
      spec.commandLine().getOut().println(written);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
