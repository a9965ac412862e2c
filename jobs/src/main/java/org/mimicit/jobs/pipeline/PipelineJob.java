package org.mimicit.jobs.pipeline;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.mimicit.common.source.MimicitInstructionsSource;
import org.mimicit.jobs.IngestConfig;
import org.mimicit.jobs.JobSession;
import org.mimicit.jobs.Main;
import org.mimicit.jobs.SparkOptions;
import org.mimicit.jobs.export.ExportShardsConfig;
import org.mimicit.jobs.export.ExportShardsJob;
import org.mimicit.jobs.images.ConvertImagesJob;
import org.mimicit.jobs.incontext.JoinInContextJob;
import org.mimicit.jobs.instructions.ConvertInstructionsJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs every stage in order: convert-images, convert-instructions, join-incontext (later stages
 * join here as they land). With no arguments it runs on the bundled sample ({@code sample/mimicit}) and writes under
 * {@code out/}.
 */
public final class PipelineJob {
  public static final String NAME = "pipeline";
  private static final Logger LOG = LoggerFactory.getLogger(PipelineJob.class);

  private PipelineJob() {}

  public static void main(String[] args) {
    Main.run(args, NAME);
  }

  /** Where the project is: the launcher sets {@code mimicit.home}; else the working folder. */
  static Path home() {
    return Paths.get(System.getProperty("mimicit.home", ".")).toAbsolutePath().normalize();
  }

  /** {@code pipeline}. */
  @Command(name = NAME, mixinStandardHelpOptions = true,
      description = "All stages in order; with no arguments, on the bundled sample, writing under out/.")
  public static final class Cli implements Callable<Integer> {
    @Option(names = "--input", paramLabel = "DIR",
        description = "The MIMIC-IT release folder (default: the bundled sample, sample/mimicit).")
    String input;

    @Option(names = "--warehouse", paramLabel = "DIR", description = "The warehouse (default: out/warehouse).")
    String warehouse;

    @Option(names = "--output", paramLabel = "DIR",
        description = "Where the export stage writes shards in every format (default: out/export).")
    String output;

    @Option(names = "--max-reject-ratio", paramLabel = "R", defaultValue = "0.05",
        description = "Per stage, as in each command (default: ${DEFAULT-VALUE}).")
    double maxRejectRatio;

    @Mixin SparkOptions spark;

    @Override
    public Integer call() {
      String in = input != null ? input : home().resolve("sample/mimicit").toString();
      String wh = warehouse != null ? warehouse : home().resolve("out/warehouse").toString();
      IngestConfig config = new IngestConfig(in, wh, Set.of(), maxRejectRatio);
      MimicitInstructionsSource.prefetchIndex(in, Set.of()); // runs while the images convert
      SparkSession session = JobSession.start(NAME, spark.conf());
      LOG.info("pipeline: {} -> {}", in, wh);
      ConvertImagesJob.run(session, config);
      ConvertInstructionsJob.run(session, config);
      JoinInContextJob.run(session, JoinInContextJob.Config.defaults(wh));
      String out = output != null ? output : home().resolve("out/export").toString();
      ExportShardsJob.run(session, ExportShardsConfig.defaults(wh, out));
      LOG.info("pipeline: done; the warehouse is {}", wh);
      return 0;
    }
  }
}
