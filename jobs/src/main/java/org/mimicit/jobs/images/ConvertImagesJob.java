package org.mimicit.jobs.images;

import org.apache.spark.sql.SparkSession;
import org.mimicit.common.ingest.IngestResult;
import org.mimicit.common.ingest.TableSpec;
import org.mimicit.common.io.InputLayout;
import org.mimicit.jobs.cli.IngestCommand;
import org.mimicit.jobs.cli.JobCommand;
import org.mimicit.jobs.cli.Launcher;
import org.mimicit.jobs.ingest.IngestConfig;
import org.mimicit.jobs.ingest.IngestRunner;
import org.mimicit.jobs.session.JobSession;
import picocli.CommandLine.Command;

/**
 * Converts MIMIC-IT base64 image JSON ({@code <input>/<TASK>/*.json}, {@code {image_id: base64}})
 * into the {@code images} table: format, size and sha256 of each decoded image, bytes stored
 * uncompressed. Bad records go to {@code rejected/images/}. Re-running replaces only the tasks it
 * converts; a failed run leaves the previous output as it was.
 */
public final class ConvertImagesJob {
  public static final String NAME = "convert-images";
  static final TableSpec TABLE = TableSpec.IMAGES;

  private ConvertImagesJob() {}

  public static void main(String[] args) {
    Launcher.main(NAME, args);
  }

  public static IngestResult run(SparkSession spark, IngestConfig config) {
    return IngestRunner.run(spark, NAME, "mimicit-images", InputLayout.Kind.IMAGES, TABLE, config);
  }

  /** {@code convert-images}. */
  @Command(
      name = NAME,
      mixinStandardHelpOptions = true,
      description =
          "Base64 image JSON (<input>/<TASK>/<TASK>.json) -> images/task=<TASK>/ in the warehouse.")
  public static final class Cli extends IngestCommand implements JobCommand {
    @Override
    public Integer call() {
      IngestConfig config = config(); // validated before Spark starts
      run(JobSession.start(NAME, spark.conf()), config);
      return 0;
    }
  }
}
