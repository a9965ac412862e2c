package org.mimicit.jobs.instructions;

import org.apache.spark.sql.SparkSession;
import org.mimicit.common.ingest.IngestResult;
import org.mimicit.common.ingest.TableSpec;
import org.mimicit.common.io.InputLayout;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.source.MimicitInstructionsSource;
import org.mimicit.jobs.cli.IngestCommand;
import org.mimicit.jobs.cli.JobCommand;
import org.mimicit.jobs.cli.Launcher;
import org.mimicit.jobs.ingest.IngestConfig;
import org.mimicit.jobs.ingest.IngestRunner;
import org.mimicit.jobs.session.JobSession;
import picocli.CommandLine.Command;

/**
 * Converts MIMIC-IT instruction JSON ({@code <input>/<TASK>/<TASK>_instructions.json}) into the
 * {@code instructions} table; unknown record fields are kept in {@code extra_json}. Bad records go
 * to {@code rejected/instructions/}. Re-running replaces only the tasks it converts.
 */
public final class ConvertInstructionsJob {
  public static final String NAME = "convert-instructions";
  static final TableSpec TABLE =
      new TableSpec(
          InstructionSchema.TABLE,
          InstructionSchema.SCHEMA,
          InstructionSchema.INS_ID,
          new String[0],
          new String[] {
            InstructionSchema.INS_ID,
            InstructionSchema.INSTRUCTION,
            InstructionSchema.ANSWER,
            InstructionSchema.EXTRA_JSON
          });

  private ConvertInstructionsJob() {}

  public static void main(String[] args) {
    Launcher.main(NAME, args);
  }

  public static IngestResult run(SparkSession spark, IngestConfig config) {
    return IngestRunner.run(
        spark, NAME, "mimicit-instructions", InputLayout.Kind.INSTRUCTIONS, TABLE, config);
  }

  /** {@code convert-instructions}. */
  @Command(
      name = NAME,
      mixinStandardHelpOptions = true,
      description =
          "Instruction JSON (<input>/<TASK>/<TASK>_instructions.json) ->"
              + " instructions/task=<TASK>/.")
  public static final class Cli extends IngestCommand implements JobCommand {
    @Override
    public Integer call() {
      IngestConfig config = config(); // validated before Spark starts
      MimicitInstructionsSource.prefetchIndex(config.input(), config.tasks()); // while Spark starts
      run(JobSession.start(NAME, spark.conf()), config);
      return 0;
    }
  }
}
