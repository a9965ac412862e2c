package org.mimicit.jobs.export;

import java.io.IOException;
import java.io.PrintWriter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.export.ExportVerifier;
import org.mimicit.jobs.cli.JobCommand;
import org.mimicit.jobs.cli.Launcher;
import org.mimicit.jobs.cli.SparkOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code verify}: re-hashes an export against its {@code manifest.json} and {@code MD5SUMS}, and
 * checks downloaded MIMIC-IT release zips against the published MD5s. Needs no Spark; its {@code
 * --conf spark.hadoop.*} settings (e.g. S3A endpoint and credentials) reach the file system. Prints
 * one line per file and every difference; exits 1 when anything differs.
 */
@Command(
    name = VerifyCommand.NAME,
    mixinStandardHelpOptions = true,
    description =
        "Re-hashes an export (--output) against its manifest.json and MD5SUMS, and/or "
            + "checks the MIMIC-IT release zips in --release-dir against the published MD5s. "
            + "Exit code 1 if anything differs.")
public final class VerifyCommand implements JobCommand {
  public static final String NAME = "verify";

  @Spec CommandSpec spec;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "An export folder written by export-shards.")
  String output;

  @Option(
      names = "--release-dir",
      paramLabel = "DIR",
      description =
          "A folder of downloaded MIMIC-IT release zips (*.zip), each recognised by "
              + "its MD5 in the published table, whatever its name.")
  String releaseDir;

  @Mixin SparkOptions spark;

  public static void main(String[] args) {
    Launcher.main(NAME, args);
  }

  /**
   * The file system settings of --conf / --conf-file (spark.hadoop.* keys), without starting Spark.
   */
  Configuration hadoopConf() {
    Configuration conf = new Configuration();
    spark
        .conf()
        .forEach(
            (key, value) -> {
              if (key.startsWith("spark.hadoop.")) {
                conf.set(key.substring("spark.hadoop.".length()), value);
              }
            });
    return conf;
  }

  @Override
  public Integer call() {
    if (output == null && releaseDir == null) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "Nothing to verify: give --output DIR, --release-dir DIR, or both.");
    }
    PrintWriter out = spec.commandLine().getOut();
    Configuration conf = hadoopConf();
    boolean passed = true;
    try {
      if (output != null) {
        passed &=
            print(out, "export " + output, ExportVerifier.verifyExport(conf, new Path(output)));
      }
      if (releaseDir != null) {
        passed &=
            print(
                out,
                "release zips in " + releaseDir,
                ExportVerifier.verifyReleaseZips(conf, new Path(releaseDir)));
      }
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot verify: %s", e.getMessage());
    }
    return passed ? 0 : 1;
  }

  private static boolean print(PrintWriter out, String what, ExportVerifier.Report report) {
    report.ok().forEach(line -> out.println("OK " + line));
    report.problems().forEach(line -> out.println("FAILED " + line));
    out.printf(
        "%s: %d file(s) checked, %d ok, %d problem(s)%n",
        what, report.checked(), report.ok().size(), report.problems().size());
    out.flush();
    return report.passed();
  }
}
