package org.mimicit.jobs.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.mimicit.common.error.MimicitException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Parses {@code mimicit <command> [options]} and runs the command: the {@link JobCommand}s found on
 * the class path, a {@code --conf-file} overlay, usage errors that list the valid options, and one
 * line on stderr when a job fails. Exit codes: 0 done, 1 the job failed, 2 bad usage.
 */
public final class Launcher {
  private Launcher() {}

  /** Runs one job's command with {@code args} and exits: the {@code main} of every job class. */
  public static void main(String command, String[] args) {
    List<String> all = new ArrayList<>();
    all.add(command);
    all.addAll(Arrays.asList(args));
    exit(execute(all.toArray(new String[0])));
  }

  /**
   * Ends the JVM with {@code code}, except after success in a YARN cluster-mode driver: there the
   * application master runs this main in a thread and reports success when it returns, while
   * System.exit would run its shutdown hook first and fail the application ("Shutdown hook called
   * before final status was reported"). The master sets every Spark setting, the deploy mode among
   * them, as a system property.
   */
  public static void exit(int code) {
    if (code == 0 && "cluster".equals(System.getProperty("spark.submit.deployMode"))) {
      return;
    }
    System.exit(code);
  }

  /** Parses and runs; returns the exit code instead of exiting. */
  public static int execute(String... args) {
    return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** As {@link #execute(String...)}, printing help and errors to the given writers. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = commandLine();
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(Launcher::usageError);
    ConfFile file;
    try {
      file = ConfFile.fromArgs(args);
    } catch (RuntimeException e) {
      err.println("mimicit: " + oneLine(e));
      err.flush();
      return 2;
    }
    if (file != null) {
      Set<String> unknown = file.unknownKeys(cli.getCommandSpec());
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
          LoggerFactory.getLogger(Launcher.class).debug("Failure", e);
          return 1;
        });
    return cli.execute(args);
  }

  /** The {@code mimicit} command with every {@link JobCommand} and {@code help} under it. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Root());
    for (JobCommand job : ServiceLoader.load(JobCommand.class, JobCommand.class.getClassLoader())) {
      cli.addSubcommand(job);
    }
    cli.addSubcommand(new CommandLine.HelpCommand());
    return cli;
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
  public static String oneLine(Throwable e) {
    Throwable best = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MimicitException || t instanceof IllegalArgumentException) {
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

  /** {@code mimicit} itself: without a command it is a usage error. */
  @Command(
      name = "mimicit",
      mixinStandardHelpOptions = true,
      versionProvider = Root.Version.class,
      description =
          "Spark jobs that turn the MIMIC-IT dataset into a Parquet warehouse and training shards.")
  static final class Root implements Runnable {
    @CommandLine.Spec CommandSpec spec;

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
        String v = Launcher.class.getPackage().getImplementationVersion();
        return new String[] {
          "mimicit-spark "
              + (v == null ? "(development build)" : v)
              + ", Spark "
              + org.apache.spark.package$.MODULE$.SPARK_VERSION()
        };
      }
    }
  }
}
