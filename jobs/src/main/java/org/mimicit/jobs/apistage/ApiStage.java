package org.mimicit.jobs.apistage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.api.ApiCacheReader;
import org.mimicit.common.error.MimicitException;
import org.mimicit.jobs.apistage.ApiTask.ApiShare;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the API stages (translation, generation) do alike on the driver. */
public final class ApiStage {
  private static final Logger LOG = LoggerFactory.getLogger(ApiStage.class);

  private ApiStage() {}

  /**
   * The accepted answers in the cache folders (or files) that exist, one row per key; lines cut by
   * a kill, and lines lacking a column of {@code required}, are skipped. Files a killed task left
   * open on HDFS are closed first ({@link ApiCacheReader#closeLeftOpen}), so none is read short.
   */
  public static Dataset<Row> readCache(
      SparkSession spark,
      Configuration conf,
      List<String> dirs,
      StructType schema,
      String... required) {
    List<String> present = new ArrayList<>();
    for (String dir : dirs) {
      Path p = new Path(dir);
      try {
        FileSystem fs = p.getFileSystem(conf);
        if (fs.exists(p) && (fs.isFile(p) || fs.listStatus(p).length > 0)) {
          ApiCacheReader.closeLeftOpen(conf, dir, ApiCacheReader.LEASE_RECOVERY_TIMEOUT);
          present.add(dir);
        }
      } catch (IOException e) {
        throw new MimicitException(e, "Cannot read the API cache %s: %s", dir, e.getMessage());
      }
    }
    if (present.isEmpty()) {
      return spark.createDataFrame(List.of(), schema);
    }
    Dataset<Row> cache =
        spark
            .read()
            .schema(schema)
            .option("mode", "PERMISSIVE")
            .json(present.toArray(new String[0]));
    Column complete = cache.col("key").isNotNull();
    for (String column : required) {
      complete = complete.and(cache.col(column).isNotNull());
    }
    return cache.where(complete).dropDuplicates("key");
  }

  /**
   * The cache folders a stage reads: the {@code --cache-from} ones, then its own. Fails when a
   * {@code --cache-from} folder or file does not exist: a typo must not go unnoticed.
   */
  public static List<String> cacheDirs(Configuration conf, List<String> cacheFrom, String own) {
    for (String dir : cacheFrom) {
      Path p = new Path(dir);
      try {
        if (!p.getFileSystem(conf).exists(p)) {
          throw new MimicitException("Cannot read --cache-from %s: no such file or folder.", dir);
        }
      } catch (IOException e) {
        throw new MimicitException(e, "Cannot read --cache-from %s: %s", dir, e.getMessage());
      }
    }
    List<String> dirs = new ArrayList<>(cacheFrom);
    dirs.add(own);
    return dirs;
  }

  /**
   * Sends the work through the API: rows spread round robin over the tasks that share the budget,
   * each sorted by {@code sortWithin}, progress logged; the units given up on are written to {@code
   * failures}.
   */
  public static void call(
      SparkSession spark,
      String job,
      Dataset<Row> work,
      long batches,
      long total,
      ApiLimits limits,
      ApiAccumulators counts,
      Function<ApiShare, ApiTask<?, ?>> task,
      StructType failureSchema,
      Path failures,
      Column... sortWithin) {
    int tasks = limits.tasks(spark.sparkContext().defaultParallelism(), batches);
    ApiShare share =
        new ApiShare(
            limits.requestsPerMinute() / tasks,
            limits.tokensPerMinute() / tasks,
            limits.concurrencyPerTask(tasks));
    LOG.info(
        "{}: {} task(s), each with {} request(s) in flight, {} requests/min and {} tokens/min "
            + "(0: no limit)",
        job,
        tasks,
        share.concurrency(),
        Math.round(share.requestsPerMinute()),
        Math.round(share.tokensPerMinute()));
    try (ApiProgress progress = new ApiProgress(spark.sparkContext(), job, counts, total, 10)) {
      spark.sparkContext().setJobDescription("call the API");
      // round robin: the tasks get equal shares, so all of them run (and use their budget) to the
      // end
      work.repartition(tasks)
          .sortWithinPartitions(sortWithin)
          .mapPartitions(task.apply(share), Encoders.row(failureSchema))
          .write()
          .parquet(failures.toString());
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }
}
