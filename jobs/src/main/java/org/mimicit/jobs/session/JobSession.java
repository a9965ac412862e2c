package org.mimicit.jobs.session;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Builds the job's Spark session; the master comes from spark-submit or the local launcher. */
public final class JobSession {
  /** Spark 4.2's default {@code spark.redaction.regex}, plus the names of API key settings. */
  static final String REDACTION_REGEX =
      "(?i)secret|password|token|access[.]?key|api[-_.]?key|credential";

  /**
   * Settings a job gets unless given: Spark's writes commit through Spark's hadoop-cloud protocol
   * (carried by the cluster jar), which picks the S3A magic committer on s3a:// (no rename, nothing
   * visible before the job commits) and the classic committer on HDFS and local disks.
   */
  static final Map<String, String> DEFAULTS =
      Map.of(
          "spark.sql.sources.commitProtocolClass",
          "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol",
          "spark.sql.parquet.output.committer.class",
          "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter",
          "spark.hadoop.mapreduce.outputcommitter.factory.scheme.s3a",
          "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory",
          "spark.hadoop.fs.s3a.committer.name",
          "magic",
          // Spark's own pattern, and the API key's option names: the UI, event logs and
          // environment pages show such settings as *********(redacted)
          "spark.redaction.regex",
          REDACTION_REGEX);

  private JobSession() {}

  /**
   * The active session, or a new one named after the job with the given settings on top of {@link
   * #DEFAULTS}. An active session takes the runtime SQL settings only, and the defaults among them
   * only where it has no value of its own.
   */
  public static SparkSession start(String job, Map<String, String> conf) {
    Map<String, String> all = new LinkedHashMap<>(DEFAULTS);
    all.putAll(conf);
    boolean active =
        SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
    SparkSession.Builder builder = SparkSession.builder().appName("mimicit " + job);
    if (!active) {
      all.forEach(builder::config);
    } else {
      conf.forEach(builder::config);
    }
    SparkSession spark = builder.getOrCreate();
    all.forEach(
        (k, v) -> {
          if (k.startsWith("spark.sql.") && (conf.containsKey(k) || !spark.conf().contains(k))) {
            spark.conf().set(k, v);
          }
        });
    return spark;
  }
}
