package org.mimicit.jobs;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Builds the job's Spark session; the master comes from spark-submit or the local launcher. */
public final class JobSession {
  private JobSession() {}

  /** The active session, or a new one named after the job with the given settings. */
  public static SparkSession start(String job, Map<String, String> conf) {
    SparkSession.Builder builder = SparkSession.builder().appName("mimicit " + job);
    conf.forEach(builder::config);
    SparkSession spark = builder.getOrCreate();
    conf.forEach((k, v) -> {
      if (k.startsWith("spark.sql.")) {
        spark.conf().set(k, v);
      }
    });
    return spark;
  }
}
