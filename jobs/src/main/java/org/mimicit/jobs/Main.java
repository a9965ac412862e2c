package org.mimicit.jobs;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.mimicit.jobs.export.ExportShardsJob;
import org.mimicit.jobs.export.VerifyCommand;
import org.mimicit.jobs.generation.GenerateInstructionsJob;
import org.mimicit.jobs.images.ConvertImagesJob;
import org.mimicit.jobs.incontext.JoinInContextJob;
import org.mimicit.jobs.instructions.ConvertInstructionsJob;
import org.mimicit.jobs.multilingual.ExpandMultilingualJob;
import org.mimicit.jobs.pipeline.PipelineJob;
import org.mimicit.jobs.sources.ConvertSourcesJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * The entry point of every job: {@code mimicit <command> [options]}, locally through {@code
 * submit/mimicit} or on a cluster through {@code spark-submit --class org.mimicit.jobs.Main <jar>
 * <command> ...}. Exit codes: 0 done, 1 the job failed, 2 bad usage.
 */
@Command(
    name = "mimicit",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Spark jobs that turn the MIMIC-IT dataset into a Parquet warehouse and training shards.",
    subcommands = {
      ConvertImagesJob.Cli.class,
      ConvertSourcesJob.Cli.class,
      ConvertInstructionsJob.Cli.class,
      JoinInContextJob.Cli.class,
      ExpandMultilingualJob.Cli.class,
      GenerateInstructionsJob.Cli.class,
      ExportShardsJob.Cli.class,
      VerifyCommand.class,
      PipelineJob.Cli.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs one job class's command: {@code main} of every job calls this. */
  public static void run(String[] args, String command) {
    List<String> all = new ArrayList<>();
    all.add(command);
    all.addAll(Arrays.asList(args));
    System.exit(execute(all.toArray(new String[0])));
  }

  /** Parses and runs; returns the exit code instead of exiting. */
  public static int execute(String... args) {
    return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** As {@link #execute(String...)}, printing help and errors to the given writers. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(Main::usageError);
    ConfFile file;
    try {
      file = ConfFile.fromArgs(args);
    } catch (RuntimeException e) {
      err.println("mimicit: " + oneLine(e));
      err.flush();
      return 2;
    }
    if (file != null) {
      java.util.Set<String> unknown = file.unknownKeys(cli.getCommandSpec());
      if (!unknown.isEmpty()) {
        err.println(
            "mimicit: "
                + ConfFile.OPTION
                + ": unknown key(s) "
                + String.join(", ", unknown)
                + ": use spark.* for Spark settings and an option name without dashes (or"
                + " <command>.<option>) for option defaults.");
        err.flush();
        return 2;
      }
      cli.setDefaultValueProvider(file);
    }
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter w = commandLine.getErr();
          w.println(commandLine.getCommandSpec().qualifiedName() + ": error: " + oneLine(e));
          w.flush();
          org.slf4j.LoggerFactory.getLogger(Main.class).debug("Failure", e);
          return 1;
        });
    return cli.execute(args);
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String name = cmd.getCommandSpec().qualifiedName();
    err.println(name + ": " + e.getMessage());
    List<OptionSpec> options = cmd.getCommandSpec().options();
    if (e instanceof CommandLine.UnmatchedArgumentException
        || e instanceof CommandLine.MissingParameterException) {
      err.println(
          "Valid options: "
              + options.stream()
                  .filter(o -> !o.hidden())
                  .map(OptionSpec::longestName)
                  .sorted()
                  .collect(Collectors.joining(", ")));
    }
    if (cmd.getSubcommands().size() > 1 && e instanceof CommandLine.UnmatchedArgumentException) {
      err.println("Commands: " + String.join(", ", cmd.getSubcommands().keySet()));
    }
    err.println("See '" + name + " --help'.");
    err.flush();
    return 2;
  }

  /** The message of the deepest cause that has one, on one line. */
  static String oneLine(Throwable e) {
    Throwable best = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.mimicit.common.error.MimicitException
          || t instanceof IllegalArgumentException) {
        best = t;
        break;
      }
      if (t.getMessage() != null) {
        best = t;
      }
    }
    String message = best.getMessage() == null ? best.getClass().getName() : best.getMessage();
    return message.replaceAll("\\s*\\n\\s*", " ").trim();
  }

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "Missing command: one of " + String.join(", ", spec.subcommands().keySet()));
  }

  /** The version of the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "mimicit-spark "
            + (v == null ? "(development build)" : v)
            + ", Spark "
            + org.apache.spark.package$.MODULE$.SPARK_VERSION()
      };
    }
  }
}
