package org.mimicit.jobs.apistage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.hash.Murmur3_x86_32;
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
   * For benchmarks and tests: the share of the work (0 to 1) the first task gets, the rest spread
   * over the others; unset or 0 spreads it round robin.
   */
  static final String SKEW = "spark.mimicit.api.skew";

  /**
   * Sends the work through the API: rows spread round robin over the tasks, each sorted by {@code
   * sortWithin}, under one budget for the whole job held on the driver ({@link
   * ApiCoordinatorService}), progress logged; the units given up on are written to {@code
   * failures}.
   */
  public static void call(
      SparkSession spark,
      String job,
      Dataset<Row> work,
      long batches,
      long total,
      ApiLimits limits,
      Duration requestTimeout,
      ApiAccumulators counts,
      Function<ApiShare, ApiTask<?, ?>> task,
      StructType failureSchema,
      Path failures,
      Column... sortWithin) {
    int tasks = limits.tasks(spark.sparkContext().defaultParallelism(), batches);
    double skew = Double.parseDouble(spark.conf().get(SKEW, "0"));
    try (ApiCoordinatorService coordinator =
            new ApiCoordinatorService(spark.sparkContext(), limits, requestTimeout);
        ApiProgress progress = new ApiProgress(spark.sparkContext(), job, counts, total, 10)) {
      ApiShare share = new ApiShare(coordinator.address(), limits.maxConcurrency());
      LOG.info(
          "{}: {} task(s){}, each with up to {} request(s) in flight, within the job's budget",
          job,
          tasks,
          skew > 0 && tasks > 1
              ? ", the first with " + Math.round(skew * 100) + "% of the work"
              : "",
          share.concurrency());
      spark.sparkContext().setJobDescription("spread the API work over " + tasks + " task(s)");
      Dataset<Row> spread =
          checkpointed(
              spark.sparkContext(),
              new Path(failures.getParent(), "spread"),
              () -> spread(work, tasks, skew).sortWithinPartitions(sortWithin));
      spark.sparkContext().setJobDescription("call the API");
      spread
          .mapPartitions(task.apply(share), Encoders.row(failureSchema))
          .write()
          .parquet(failures.toString());
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }

  /**
   * The dataset {@code spread} makes, written to {@code dir} (a reliable checkpoint: same
   * partitions, no lineage) before any request is sent. A task of the API call that is run again,
   * because its executor was lost, reads its rows from there and starts at once; before, it had to
   * wait until Spark had recomputed the lost executor's shuffle output and cached work (about 20 s,
   * in which the job sent next to nothing). The session's own checkpoint folder, if it had one, is
   * set back afterwards.
   */
  static Dataset<Row> checkpointed(
      SparkContext sc, Path dir, java.util.function.Supplier<Dataset<Row>> spread) {
    scala.Option<String> before = sc.getCheckpointDir();
    sc.setCheckpointDir(dir.toString());
    try {
      return spread.get().checkpoint(true);
    } finally {
      if (before.isDefined()) {
        // setCheckpointDir adds a folder of its own under the one given
        sc.setCheckpointDir(new Path(before.get()).getParent().toString());
      } else {
        sc.checkpointDir_$eq(scala.Option.empty());
      }
    }
  }

  /**
   * The rows over {@code tasks} partitions: round robin, or with {@code skew} of them (by a hash of
   * each row, so a retried task gets the same rows) in the first partition.
   */
  static Dataset<Row> spread(Dataset<Row> work, int tasks, double skew) {
    if (skew <= 0 || tasks < 2) {
      return work.repartition(tasks);
    }
    // a value that hash partitioning sends to each partition, so that the spread is exact
    int[] toPartition = new int[tasks];
    java.util.Arrays.fill(toPartition, -1);
    int found = 0;
    for (int v = 0; found < tasks; v++) {
      int p = Math.floorMod(Murmur3_x86_32.hashInt(v, 42), tasks);
      if (toPartition[p] < 0) {
        toPartition[p] = v;
        found++;
      }
    }
    Column[] all = java.util.Arrays.stream(work.columns()).map(c -> col(c)).toArray(Column[]::new);
    Column rest = lit(toPartition[1]);
    for (int p = 2; p < tasks; p++) {
      rest =
          when(pmod(hash(all), lit(tasks - 1)).equalTo(p - 1), lit(toPartition[p])).otherwise(rest);
    }
    Column target =
        when(
                pmod(hash(lit("skew"), hash(all)), lit(1000)).lt(Math.round(skew * 1000)),
                lit(toPartition[0]))
            .otherwise(rest);
    return work.repartition(tasks, target.as("_api_task"));
  }
}
