package org.mimicit.jobs.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every job command takes: Spark settings, one by one or from a file. */
public final class SparkOptions {
  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      description =
          "A Spark setting, e.g. --conf spark.sql.files.maxPartitionBytes=64m. Repeatable.")
  Map<String, String> conf = new LinkedHashMap<>();

  @Option(
      names = ConfFile.OPTION,
      paramLabel = "FILE",
      description =
          "A properties overlay, e.g. conf/cluster.properties: spark.* keys are Spark settings,"
              + " other keys option defaults (max-reject-ratio=0.01, or <command>.<option>=...)."
              + " The command line wins over the file.")
  String confFile;

  /** The Spark settings: the file's spark.* keys, then --conf on top. */
  public Map<String, String> conf() {
    Map<String, String> all = new LinkedHashMap<>();
    if (confFile != null) {
      all.putAll(ConfFile.sparkSettings(confFile));
    }
    all.putAll(conf);
    return all;
  }
}
