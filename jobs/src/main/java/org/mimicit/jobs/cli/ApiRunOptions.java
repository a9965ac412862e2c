package org.mimicit.jobs.cli;

import java.util.List;
import org.mimicit.jobs.apistage.ApiTask;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options of a single API command (not of {@code pipeline}): caches to read, dry run, cache
 * files.
 */
public final class ApiRunOptions {
  @Option(
      names = "--cache-from",
      paramLabel = "DIR",
      split = ",",
      description =
          "Read-only API caches to answer from as well, e.g. sample/api-cache/translate."
              + " Repeatable.")
  List<String> cacheFrom = List.of();

  @Option(
      names = "--dry-run",
      description =
          "Print the number of requests, the estimated tokens and the cost (--price-per-1k-tokens);"
              + " send nothing.")
  boolean dryRun;

  @Option(
      names = "--cache-roll-seconds",
      paramLabel = "S",
      defaultValue = "" + ApiTask.DEFAULT_CACHE_ROLL_SECONDS,
      description =
          "On object stores (no flush), close and start a new cache file this often (default:"
              + " ${DEFAULT-VALUE}).")
  int cacheRollSeconds;

  public List<String> cacheFrom() {
    return cacheFrom;
  }

  public boolean dryRun() {
    return dryRun;
  }

  public int cacheRollSeconds() {
    return cacheRollSeconds;
  }

  /** Prints a dry run's summary to the command's output, when there is one. */
  public static void printDryRun(CommandSpec spec, String summary) {
    if (summary != null) {
      spec.commandLine().getOut().println(summary);
      spec.commandLine().getOut().flush();
    }
  }
}
