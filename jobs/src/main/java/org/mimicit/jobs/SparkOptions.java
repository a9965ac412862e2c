package org.mimicit.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every job command takes. */
public final class SparkOptions {
  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "A Spark setting, e.g. --conf spark.sql.files.maxPartitionBytes=64m. Repeatable.")
  Map<String, String> conf = new LinkedHashMap<>();

  public Map<String, String> conf() {
    return conf;
  }
}
