package org.mimicit.jobs.pipeline;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.mimicit.common.source.MimicitInstructionsSource;
import org.mimicit.common.warehouse.RejectBudget;
import org.mimicit.jobs.apistage.ApiTask;
import org.mimicit.jobs.cli.ApiOptions;
import org.mimicit.jobs.cli.JobCommand;
import org.mimicit.jobs.cli.Launcher;
import org.mimicit.jobs.cli.SparkOptions;
import org.mimicit.jobs.export.ExportShardsConfig;
import org.mimicit.jobs.export.ExportShardsJob;
import org.mimicit.jobs.generation.GenerateInstructionsConfig;
import org.mimicit.jobs.generation.GenerateInstructionsJob;
import org.mimicit.jobs.images.ConvertImagesJob;
import org.mimicit.jobs.incontext.JoinInContextConfig;
import org.mimicit.jobs.incontext.JoinInContextJob;
import org.mimicit.jobs.ingest.IngestConfig;
import org.mimicit.jobs.instructions.ConvertInstructionsJob;
import org.mimicit.jobs.multilingual.ExpandMultilingualConfig;
import org.mimicit.jobs.multilingual.ExpandMultilingualJob;
import org.mimicit.jobs.report.BuildReportJob;
import org.mimicit.jobs.report.ReportConfig;
import org.mimicit.jobs.session.JobSession;
import org.mimicit.jobs.sources.ConvertSourcesJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs every stage in order: convert-images, convert-sources (on the sample, or with --sources),
 * convert-instructions, generate-instructions (on the sample, or with --annotations),
 * join-incontext, expand-multilingual (offline unless {@code --api-base} is given), export-shards
 * and the report ({@code <warehouse>/_report/index.html}, its path printed). With no arguments it
 * runs on the bundled sample ({@code sample/mimicit}) and writes under {@code out/}.
 */
public final class PipelineJob {
  public static final String NAME = "pipeline";
  private static final Logger LOG = LoggerFactory.getLogger(PipelineJob.class);

  private PipelineJob() {}

  public static void main(String[] args) {
    Launcher.main(NAME, args);
  }

  /** Where the project is: the launcher sets {@code mimicit.home}; else the working folder. */
  static Path home() {
    return Paths.get(System.getProperty("mimicit.home", ".")).toAbsolutePath().normalize();
  }

  /** {@code pipeline}. */
  @Command(
      name = NAME,
      mixinStandardHelpOptions = true,
      description =
          "All stages in order; with no arguments, on the bundled sample, writing under out/.")
  public static final class Cli implements JobCommand {
    @Spec CommandSpec spec;

    @Option(
        names = "--input",
        paramLabel = "DIR",
        description = "The MIMIC-IT release folder (default: the bundled sample, sample/mimicit).")
    String input;

    @Option(
        names = "--warehouse",
        paramLabel = "DIR",
        description = "The warehouse (default: out/warehouse).")
    String warehouse;

    @Option(
        names = "--output",
        paramLabel = "DIR",
        description = "Where the export stage writes shards in every format (default: out/export).")
    String output;

    @Option(
        names = "--max-reject-ratio",
        paramLabel = "R",
        defaultValue = "" + RejectBudget.DEFAULT_MAX_RATIO,
        description = "Per stage, as in each command (default: ${DEFAULT-VALUE}).")
    double maxRejectRatio;

    @Option(
        names = "--sources",
        paramLabel = "DIR",
        description =
            "Raw sources to convert-sources: <DIR>/folder, spot-the-diff, video, as tasks"
                + " CS_FOLDER, CS_SD, CS_DC (default: sample/sources with the bundled sample, else"
                + " none).")
    String sources;

    @Option(
        names = "--cache-from",
        paramLabel = "DIR",
        description =
            "A read-only API cache, laid out as <warehouse>/_cache/api (translate/, generate/)"
                + " (default: with no --input, the sample's recorded answers, sample/api-cache).")
    String cacheFrom;

    @Option(
        names = "--annotations",
        paramLabel = "PATH",
        description =
            "Annotations to generate new pairs from (generate-instructions; default: with no"
                + " --input, sample/annotations/DC_dense_captions.jsonl; else no generation).")
    String annotations;

    @Option(
        names = "--prompts",
        paramLabel = "PATH",
        description =
            "Prompt file or folder for the generation (default: conf/prompts/dense_captions.json).")
    String prompts;

    @Option(
        names = "--generate-task",
        paramLabel = "TASK",
        defaultValue = "DC",
        description = "The task generated pairs join (default: ${DEFAULT-VALUE}).")
    String generateTask;

    @Mixin ApiOptions api;

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
      String src =
          sources != null
              ? sources
              : input == null ? home().resolve("sample/sources").toString() : null;
      if (src != null) {
        ConvertSourcesJob.runSources(session, src, wh, maxRejectRatio);
      }
      ConvertInstructionsJob.run(session, config);
      GenerateInstructionsConfig generation = generationConfig(wh, input == null);
      if (generation != null) {
        GenerateInstructionsJob.run(session, generation);
      }
      JoinInContextJob.run(session, JoinInContextConfig.defaults(wh));
      ExpandMultilingualJob.run(session, expandConfig(wh, input == null));
      String out = output != null ? output : home().resolve("out/export").toString();
      ExportShardsJob.run(session, ExportShardsConfig.defaults(wh, out));
      String report = BuildReportJob.run(session, ReportConfig.defaults(wh));
      LOG.info("pipeline: done; the warehouse is {}", wh);
      spec.commandLine().getOut().println("report: " + report);
      spec.commandLine().getOut().flush();
      return 0;
    }

    /**
     * Expansion into the default languages: offline unless {@code --api-base} is given; on the
     * bundled sample it answers from the sample's recorded translations.
     */
    ExpandMultilingualConfig expandConfig(String wh, boolean bundledSample) {
      List<String> caches =
          cacheRoot(bundledSample).map(root -> List.of(root + "/translate")).orElse(List.of());
      return new ExpandMultilingualConfig(
          wh,
          Set.of(),
          ExpandMultilingualConfig.DEFAULT_LANGUAGES,
          api.settingsOfflineUnlessBaseGiven(System.getenv()),
          api.limits(),
          ExpandMultilingualConfig.DEFAULT_BATCH_ITEMS,
          null,
          caches,
          false,
          api.pricePer1kTokens(),
          maxRejectRatio,
          ApiTask.DEFAULT_CACHE_ROLL_SECONDS);
    }

    /**
     * Generation of new pairs from annotations: on the bundled sample, or when --annotations is
     * given.
     */
    GenerateInstructionsConfig generationConfig(String wh, boolean bundledSample) {
      String from =
          annotations != null
              ? annotations
              : bundledSample
                  ? home().resolve("sample/annotations/DC_dense_captions.jsonl").toString()
                  : null;
      if (from == null) {
        return null;
      }
      String prompt =
          prompts != null ? prompts : home().resolve("conf/prompts/dense_captions.json").toString();
      List<String> caches =
          cacheRoot(bundledSample).map(root -> List.of(root + "/generate")).orElse(List.of());
      return new GenerateInstructionsConfig(
          from,
          prompt,
          generateTask,
          wh,
          api.settingsOfflineUnlessBaseGiven(
                  System.getenv(), GenerateInstructionsJob.SYPHUS_TEMPERATURE)
              .withJsonResponseFormat(false),
          api.limits(),
          caches,
          false,
          api.pricePer1kTokens(),
          maxRejectRatio,
          ApiTask.DEFAULT_CACHE_ROLL_SECONDS);
    }

    private Optional<String> cacheRoot(boolean bundledSample) {
      return Optional.ofNullable(
          cacheFrom != null
              ? cacheFrom
              : bundledSample ? home().resolve("sample/api-cache").toString() : null);
    }
  }
}
