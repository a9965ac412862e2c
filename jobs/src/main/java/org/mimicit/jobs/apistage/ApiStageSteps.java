package org.mimicit.jobs.apistage;

import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.warehouse.SerializableConf;
import org.mimicit.jobs.apistage.ApiTask.ApiShare;

/**
 * What an API stage supplies to {@link ApiStageRun}: its cache, its work, its executor task and
 * what it makes of the answers. {@code R} is the stage's result.
 */
public interface ApiStageSteps<R> {
  /** The accepted answers in the cache folders given, one row per key. */
  Dataset<Row> readCache(List<String> cacheDirs);

  /** The work the cache does not answer yet (the skeleton persists it while it is needed). */
  Dataset<Row> pending(Dataset<Row> cache);

  /** How much pending work there is; logs it. */
  ApiStageRun.Pending countPending(Dataset<Row> pending);

  /** The result of a dry run: what would be sent, estimated; nothing is sent. */
  R dryRun(Dataset<Row> pending, ApiStageRun.Pending work);

  /** The executor side: sends its share of the pending rows, caches accepted answers. */
  ApiTask<?, ?> task(
      ApiShare share, String cacheDir, SerializableConf conf, ApiAccumulators counts);

  /** The rows of the units given up on, as {@link #task} returns them. */
  StructType failureSchema();

  /** The order of the pending rows within a task (rows that can share a request together). */
  Column[] sortWithin();

  /** Logs that {@code units} of work stay unanswered because no API is configured. */
  void warnOffline(long units);

  /** Writes the output from the cache and the failures, commits, writes stats. */
  R write(Dataset<Row> cache, Dataset<Row> failed, Path staging, ApiAccumulators counts);
}
