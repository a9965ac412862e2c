package org.mimicit.jobs.cli;

import java.util.LinkedHashSet;
import java.util.List;
import org.mimicit.common.warehouse.RejectBudget;
import org.mimicit.jobs.ingest.IngestConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of the commands that convert an input folder into a warehouse table. */
public abstract class IngestCommand {
  @Option(
      names = "--input",
      required = true,
      paramLabel = "DIR",
      description =
          "The MIMIC-IT release folder (<input>/<TASK>/...), a task folder or one file; local or"
              + " s3a://.")
  protected String input;

  @Option(
      names = "--warehouse",
      required = true,
      paramLabel = "DIR",
      description = "The warehouse root; local or s3a://.")
  protected String warehouse;

  @Option(
      names = "--tasks",
      split = ",",
      paramLabel = "TASK",
      description =
          "Only these tasks (default: every task folder). Other tasks' output is left as it is.")
  protected List<String> tasks = List.of();

  @Option(
      names = "--max-reject-ratio",
      paramLabel = "R",
      defaultValue = "" + RejectBudget.DEFAULT_MAX_RATIO,
      description =
          "Fail, committing nothing, when more than this share of records is rejected (default:"
              + " ${DEFAULT-VALUE}).")
  protected double maxRejectRatio;

  @Mixin protected SparkOptions spark;

  /** The validated config of the options given. */
  protected IngestConfig config() {
    return new IngestConfig(input, warehouse, new LinkedHashSet<>(tasks), maxRejectRatio);
  }
}
