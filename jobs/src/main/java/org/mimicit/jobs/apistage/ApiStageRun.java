package org.mimicit.jobs.apistage;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.mimicit.common.api.ApiCacheWriter;
import org.mimicit.common.api.BatchRunner;
import org.mimicit.common.api.BatchSettings;
import org.mimicit.common.warehouse.SerializableConf;
import org.mimicit.common.warehouse.WarehouseCommitter;

/**
 * The run every API stage shares: cache folders, the work the cache does not answer, a dry run, the
 * offline warning, the API call spread over the tasks that share the budget, the failures, the
 * write, and the clean-up of staging. The stage ({@link ApiStageSteps}) supplies what differs.
 */
public final class ApiStageRun {
  private ApiStageRun() {}

  /**
   * Where and how a stage runs: its warehouse, the name of its cache ({@code _cache/api/<stage>/})
   * and of its staging table, read-only caches, dry run, whether an API is configured, and the
   * job's limits.
   */
  public record Settings(
      String job,
      String warehouse,
      String stage,
      String stagingTable,
      List<String> cacheFrom,
      boolean dryRun,
      boolean offline,
      ApiLimits limits,
      java.time.Duration requestTimeout,
      BatchSettings batch) {}

  /** Pending work: {@code batches} rows to spread over tasks, {@code units} to count progress. */
  public record Pending(long batches, long units) {}

  /** Runs the stage; returns its result (of a dry run, too). */
  public static <R> R run(SparkSession spark, Settings settings, ApiStageSteps<R> steps) {
    Configuration conf = spark.sessionState().newHadoopConf();
    String cacheDir = qualified(conf, ApiCacheWriter.dirOf(settings.warehouse(), settings.stage()));
    List<String> cacheDirs = ApiStage.cacheDirs(conf, settings.cacheFrom(), cacheDir);
    Path staging = WarehouseCommitter.newStaging(settings.warehouse(), settings.stagingTable());
    ApiAccumulators counts = new ApiAccumulators(spark.sparkContext());
    Dataset<Row> pending = null;
    try {
      boolean batch = settings.batch().batch() && !settings.offline();
      Dataset<Row> cache = steps.readCache(cacheDirs);
      // the units of batches an earlier run left unfinished are theirs: resumed, not asked again
      List<String> held = batch ? BatchRunner.heldUnitFiles(conf, cacheDir) : List.<String>of();
      cache = ApiBatchStage.withHeld(spark, held, cache);
      pending = steps.pending(cache).persist(StorageLevel.MEMORY_AND_DISK());
      Pending work = steps.countPending(pending);
      if (settings.dryRun()) {
        return steps.dryRun(pending, work);
      }
      Path failures = new Path(staging, "failures");
      boolean asked = (work.units() > 0 || !held.isEmpty()) && !settings.offline();
      SerializableConf sconf = new SerializableConf(conf);
      if (asked && batch) {
        ApiBatchStage.call(
            pending,
            steps.task(null, cacheDir, sconf, counts),
            settings.batch(),
            settings.limits(),
            conf,
            cacheDir,
            counts,
            steps.failureSchema(),
            failures,
            steps.sortWithin());
      } else if (asked) {
        ApiStage.call(
            spark,
            settings.job(),
            pending,
            work.batches(),
            work.units(),
            settings.limits(),
            settings.requestTimeout(),
            counts,
            share -> steps.task(share, cacheDir, sconf, counts),
            steps.failureSchema(),
            failures,
            steps.sortWithin());
      } else if (work.units() > 0) {
        steps.warnOffline(work.units());
      }
      pending.unpersist();
      Dataset<Row> failed =
          !asked
              ? spark.createDataFrame(List.of(), steps.failureSchema())
              : batch
                  ? spark.read().schema(steps.failureSchema()).json(failures.toString())
                  : spark.read().parquet(failures.toString());
      return steps.write(steps.readCache(cacheDirs), failed, staging, counts);
    } finally {
      if (pending != null) {
        pending.unpersist();
      }
      WarehouseCommitter.deleteStaging(conf, staging);
    }
  }

  /**
   * The folder as a full URI, resolved on the driver: the executors write the cache there, and a
   * relative path would resolve against each executor's working folder on a cluster (the answers
   * would land in the Workers' work folders, and neither a retried task nor the driver would see
   * them).
   */
  static String qualified(Configuration conf, String dir) {
    Path p = new Path(dir);
    try {
      return p.getFileSystem(conf).makeQualified(p).toString();
    } catch (java.io.IOException e) {
      throw new org.mimicit.common.error.MimicitException(
          e, "Cannot resolve the API cache folder %s: %s", dir, e.getMessage());
    }
  }
}
