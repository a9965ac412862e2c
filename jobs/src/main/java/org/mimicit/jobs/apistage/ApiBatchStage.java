package org.mimicit.jobs.apistage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.api.ApiRunner;
import org.mimicit.common.api.ApiSettings;
import org.mimicit.common.api.BatchClient;
import org.mimicit.common.api.BatchRunner;
import org.mimicit.common.api.BatchSettings;
import org.mimicit.common.api.BatchWork;
import org.mimicit.common.api.ChatClient;
import org.mimicit.common.api.RateLimiter;
import org.mimicit.common.error.MimicitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Batch API mode of an API stage ({@code --mode batch}), on the driver: the pending rows are
 * streamed to the driver a partition at a time ({@code toLocalIterator}), batched as online by the
 * stage's task ({@link ApiTask#feed}) and handed to a {@link BatchRunner}, which writes the request
 * files into the cache's batch records, submits, polls and judges the replies into the same cache.
 * The units given up on are written as JSON lines to {@code failures}. Memory: one partition of
 * pending rows and, while a batch is judged, the offsets of its requests; never a whole file.
 */
final class ApiBatchStage {
  private static final Logger LOG = LoggerFactory.getLogger(ApiBatchStage.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private ApiBatchStage() {}

  /**
   * {@code cache} with the keys the unfinished batches of earlier runs hold ({@link
   * BatchRunner#heldUnitFiles}) added, the other columns null: the stage leaves them out of its
   * pending work, and the runner resumes them.
   */
  static Dataset<Row> withHeld(SparkSession spark, List<String> held, Dataset<Row> cache) {
    if (held.isEmpty()) {
      return cache;
    }
    LOG.info(
        "Batch API: {} request file(s) of an earlier run are unfinished; their units are left to"
            + " them",
        held.size());
    Dataset<Row> keys =
        spark
            .read()
            .schema("custom_id string, keys array<string>")
            .json(held.toArray(new String[0]))
            .select(explode(col("keys")).as("key"));
    Column[] columns = new Column[cache.schema().fields().length];
    int i = 0;
    for (StructField f : cache.schema().fields()) {
      columns[i++] =
          f.name().equals("key") ? col("key") : lit(null).cast(f.dataType()).as(f.name());
    }
    return cache.unionByName(keys.select(columns));
  }

  /** Sends the pending rows through the Batch API and waits for every answer. */
  static <B, F> void call(
      Dataset<Row> pending,
      ApiTask<B, F> task,
      BatchSettings batch,
      ApiLimits limits,
      Configuration conf,
      String cacheDir,
      ApiAccumulators counts,
      StructType failureSchema,
      Path failures,
      Column... sortWithin) {
    ApiSettings api = task.settings();
    try (OutputStream out = failures.getFileSystem(conf).create(failures, true)) {
      Consumer<F> failed = f -> write(out, task.toRow(f), failureSchema);
      BatchRunner<B> runner =
          new BatchRunner<>(
              BatchClient.of(api),
              api,
              batch,
              conf,
              cacheDir,
              ApiTask.DEFAULT_CACHE_ROLL_SECONDS,
              counts,
              new BatchRunner.Online(
                  ChatClient.of(api),
                  new RateLimiter(
                      limits.requestsPerMinute(),
                      limits.tokensPerMinute(),
                      RateLimiter.Clock.SYSTEM),
                  limits.maxConcurrency()),
              cache -> batchWork(task.work(cache, failed)));
      runner.run(
          sink ->
              task.feed(
                  pending.sortWithinPartitions(sortWithin).toLocalIterator(),
                  Set.of(),
                  sink::accept));
      LOG.info(
          "Batch API: every request answered or given up; {} batch(es) created", runner.created());
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot write %s: %s", failures, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MimicitException(
          e,
          "Interrupted while waiting for the Batch API; the batches stay recorded in %s/_batch: run"
              + " again to resume them",
          cacheDir);
    }
  }

  private static <B> BatchWork<B> batchWork(ApiRunner.Work<B> work) {
    if (work instanceof BatchWork<B> b) {
      return b;
    }
    throw new MimicitException(
        "Cannot use --mode batch with %s: it has no Batch API records. Use --mode online.",
        work.getClass().getSimpleName());
  }

  private static synchronized void write(OutputStream out, Row row, StructType schema) {
    ObjectNode line = JSON.createObjectNode();
    for (int i = 0; i < schema.fields().length; i++) {
      Object v = row.get(i);
      line.put(schema.fields()[i].name(), v == null ? null : v.toString());
    }
    try {
      out.write(JSON.writeValueAsBytes(line));
      out.write('\n');
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot write a failure: %s", e.getMessage());
    }
  }
}
