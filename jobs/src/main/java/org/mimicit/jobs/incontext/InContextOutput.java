package org.mimicit.jobs.incontext;

import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.schema.InContextSchema;
import org.mimicit.common.schema.RejectedSchema;
import org.mimicit.common.warehouse.JobStats;
import org.mimicit.common.warehouse.Partitions;
import org.mimicit.common.warehouse.WarehouseCommitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the join leaves behind: the swapped-in partitions, {@code _stats}, a line per task. */
final class InContextOutput {
  private static final Logger LOG = LoggerFactory.getLogger(InContextOutput.class);

  private InContextOutput() {}

  /**
   * Swaps in the partitions the run wrote: {@code incontext/task=T} for each task joined (each task
   * asked for, or each that got rows), and {@code rejected/train/task=T} for those and for each
   * task whose train file had bad records, so a task whose train file is clean now loses its old
   * rejects. A task that was not joined keeps its contexts.
   */
  static void publish(Configuration conf, JoinInContextConfig config, Path staging) {
    try {
      FileSystem fs = staging.getFileSystem(conf);
      String rejectedTrain = RejectedSchema.pathOf(InContextInputs.TRAIN);
      Set<String> joined = new TreeSet<>(config.tasks());
      joined.addAll(
          WarehouseCommitter.tasksOf(
              conf, WarehouseCommitter.assembled(staging, InContextSchema.TABLE)));
      Set<String> rejected = new TreeSet<>(joined);
      rejected.addAll(
          WarehouseCommitter.tasksOf(conf, WarehouseCommitter.assembled(staging, rejectedTrain)));
      List<String> partitions = new ArrayList<>();
      joined.forEach(task -> partitions.add(Partitions.of(InContextSchema.TABLE, task)));
      rejected.forEach(task -> partitions.add(Partitions.of(rejectedTrain, task)));
      WarehouseCommitter.swap(fs, config.warehouse(), staging, partitions);
    } catch (IOException e) {
      throw new MimicitException(
          e,
          "Cannot commit the joined contexts in %s: %s. Run %s again.",
          config.warehouse(),
          e.getMessage(),
          JoinInContextJob.NAME);
    }
  }

  /** The sum of column {@code n} per task, of rows {@code task, n}. */
  static Map<String, Long> countByTask(Dataset<Row> taskAndN) {
    Map<String, Long> counts = new TreeMap<>();
    for (Row r : taskAndN.groupBy(Partitions.TASK).agg(sum("n").cast("long")).collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    return counts;
  }

  /** Logs a line per task of {@link ContextCounts#rows}. */
  static void log(List<Row> stats) {
    stats.forEach(
        r ->
            LOG.info(
                "{}: task {}: {} instructions, context length mean {} max {}, "
                    + "{} dangling relations, {} with missing images",
                JoinInContextJob.NAME,
                r.getString(0),
                r.getLong(1),
                String.format(Locale.ROOT, "%.2f", r.isNullAt(2) ? 0.0 : r.getDouble(2)),
                r.isNullAt(3) ? 0 : r.getInt(3),
                r.getLong(4),
                r.getLong(5)));
  }

  /** {@code _stats/join-incontext.json} of {@link ContextCounts#rows} and the counts of the run. */
  static ObjectNode statsDocument(
      Instant started,
      long ms,
      JoinInContextConfig config,
      List<Row> rows,
      Map<String, Long> selfReferences,
      Map<String, Long> unknownTrainIds) {
    ObjectNode root =
        JobStats.header(
            JoinInContextJob.NAME, started, ms, JobStats.paths("warehouse", config.warehouse()));
    root.put("max_context", config.maxContext());
    root.put("policy", config.policy().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    ObjectNode tasks = root.putObject("tasks");
    for (Row r : rows) {
      ObjectNode t = tasks.putObject(r.getString(0));
      t.put("instructions", r.getLong(1));
      t.put("mean_context_length", r.isNullAt(2) ? 0.0 : r.getDouble(2));
      t.put("max_context_length", r.isNullAt(3) ? 0 : r.getInt(3));
      t.put("dangling_relations", r.getLong(4));
      t.put("instructions_with_missing_images", r.getLong(5));
      t.put("self_references", selfReferences.getOrDefault(r.getString(0), 0L));
      t.put("unknown_train_ids", unknownTrainIds.getOrDefault(r.getString(0), 0L));
    }
    return root;
  }
}
