package org.mimicit.common.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.ingest.PartitionWriter.LastOccurrence;
import org.mimicit.common.schema.RejectedSchema;
import org.mimicit.common.warehouse.CommitterOutput;
import org.mimicit.common.warehouse.Partitions;
import org.mimicit.common.warehouse.RejectBudget;
import org.mimicit.common.warehouse.SerializableConf;
import org.mimicit.common.warehouse.WarehouseCommitter;
import org.mimicit.common.warehouse.WrittenPart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a permissive read of a MIMIC-IT source into one warehouse table and its rejected rows into
 * {@code rejected/<table>}, in one pass over the data, and commits only the tasks of the run.
 *
 * <p>Python's {@code json} semantics for duplicated ids: the last occurrence (by file name, then
 * position) wins, the earlier ones are rejected as {@code duplicate_id}. Every write task reports a
 * 64-bit hash of each id it read; only when a hash repeats does the driver look at those ids
 * exactly (a pass that reads ids only, values skipped) and, if they really repeat, write again with
 * the earlier occurrences rejected. Input without duplicates is read once.
 */
public final class WarehouseIngest {
  private static final Logger LOG = LoggerFactory.getLogger(WarehouseIngest.class);

  /** Row groups and files: at most 128 MB and about 512 MB. */
  public static final long ROW_GROUP_BYTES = 128L << 20;

  public static final long MAX_FILE_BYTES = 512L << 20;

  private WarehouseIngest() {}

  /**
   * @param raw a {@code PERMISSIVE} read with columns {@code task}, the id column, the table's
   *     columns, {@code source}, {@code source_offset}, {@code reason}, {@code detail}
   * @param tasks the tasks this run replaces
   * @throws MimicitException when the rejected share passes {@code maxRejectRatio}; nothing is
   *     committed then
   */
  public static IngestResult run(
      SparkSession spark,
      Dataset<Row> raw,
      TableSpec spec,
      String warehouse,
      Set<String> tasks,
      double maxRejectRatio) {
    // The duplicate pass reads the key columns only: a source that can prune skips the values.
    return run(
        spark,
        () -> raw.queryExecution().toRdd().toJavaRDD(),
        raw.schema(),
        () ->
            raw.select(
                    Partitions.TASK,
                    spec.idColumn(),
                    RejectedSchema.SOURCE,
                    RejectedSchema.SOURCE_OFFSET)
                .queryExecution()
                .toRdd()
                .toJavaRDD(),
        new int[] {0, 1, 2, 3},
        spec,
        warehouse,
        tasks,
        maxRejectRatio);
  }

  /**
   * As {@link #run(SparkSession, Dataset, TableSpec, String, Set, double)}, for rows a job makes
   * itself in the same shape ({@code schema}): no Spark SQL planning or code generation between the
   * rows and the writer. {@code rows} is computed again if ids repeat.
   */
  public static IngestResult run(
      SparkSession spark,
      JavaRDD<InternalRow> rows,
      StructType schema,
      TableSpec spec,
      String warehouse,
      Set<String> tasks,
      double maxRejectRatio) {
    int[] keys = {
      schema.fieldIndex(Partitions.TASK),
      schema.fieldIndex(spec.idColumn()),
      schema.fieldIndex(RejectedSchema.SOURCE),
      schema.fieldIndex(RejectedSchema.SOURCE_OFFSET)
    };
    return run(spark, () -> rows, schema, () -> rows, keys, spec, warehouse, tasks, maxRejectRatio);
  }

  private static IngestResult run(
      SparkSession spark,
      Supplier<JavaRDD<InternalRow>> rows,
      StructType schema,
      Supplier<JavaRDD<InternalRow>> keyRows,
      int[] keys,
      TableSpec spec,
      String warehouse,
      Set<String> tasks,
      double maxRejectRatio) {
    Configuration conf = spark.sessionState().newHadoopConf();
    Path staging = WarehouseCommitter.newStaging(warehouse, spec.table());
    CommitterOutput output = null;
    boolean committed = false;
    try {
      output = CommitterOutput.start(conf, warehouse);
      List<PartitionResult> results =
          write(spark, rows.get(), schema, spec, staging, output, conf, Map.of());
      long[] repeated = DuplicateIds.repeatedHashes(results);
      if (repeated.length > 0) {
        Map<String, LastOccurrence> duplicates =
            DuplicateIds.find(spark, keyRows.get(), keys, repeated);
        if (!duplicates.isEmpty()) {
          LOG.warn(
              "{} id(s) occur more than once; writing again with the earlier occurrences "
                  + "rejected as duplicate_id",
              duplicates.size());
          if (output != null) {
            output.abort(); // a new job: the first one's task commits must not be published
            output = null;
            output = CommitterOutput.start(conf, warehouse);
          }
          delete(conf, staging);
          results = write(spark, rows.get(), schema, spec, staging, output, conf, duplicates);
        }
      }
      IngestResult result = new IngestResult(counts(tasks, results));
      checkRejectRatio(spec.table(), result, maxRejectRatio);
      commit(conf, output, warehouse, staging, spec, tasks, results);
      committed = true;
      return result;
    } catch (IOException e) {
      throw new MimicitException(
          e, "Cannot write %s into %s: %s", spec.table(), warehouse, e.getMessage());
    } finally {
      spark.sparkContext().setJobDescription(null);
      if (output != null && !committed) {
        output.abort();
      }
      WarehouseCommitter.deleteStaging(conf, staging);
    }
  }

  private static List<PartitionResult> write(
      SparkSession spark,
      JavaRDD<InternalRow> rows,
      StructType schema,
      TableSpec spec,
      Path staging,
      CommitterOutput output,
      Configuration conf,
      Map<String, LastOccurrence> duplicates) {
    Broadcast<Map<String, LastOccurrence>> dups =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(duplicates);
    try {
      spark.sparkContext().setJobDescription("write " + spec.table() + " and rejected rows");
      return rows.mapPartitions(
              new PartitionWriter(
                  spec,
                  schema,
                  staging.toString(),
                  output,
                  new SerializableConf(conf),
                  dups,
                  ROW_GROUP_BYTES,
                  MAX_FILE_BYTES))
          .collect();
    } finally {
      dups.destroy();
    }
  }

  /** The counts per task over all partitions: every task of the run, with rows or not. */
  private static Map<String, TaskCounts> counts(Set<String> tasks, List<PartitionResult> results) {
    Map<String, TaskCounts> counts = new TreeMap<>();
    for (String task : tasks) {
      counts.put(task, new TaskCounts());
    }
    for (PartitionResult r : results) {
      r.counts().forEach((task, c) -> counts.computeIfAbsent(task, t -> new TaskCounts()).add(c));
    }
    return counts;
  }

  /** Publishes the files of the tasks: through the committer, or from the staging folder. */
  private static void commit(
      Configuration conf,
      CommitterOutput output,
      String warehouse,
      Path staging,
      TableSpec spec,
      Set<String> tasks,
      List<PartitionResult> results)
      throws IOException {
    List<WrittenPart> parts = new ArrayList<>();
    for (PartitionResult r : results) {
      parts.addAll(r.parts());
    }
    List<String> tablePaths = List.of(spec.table(), RejectedSchema.pathOf(spec.table()));
    if (output != null) {
      output.commit(WarehouseCommitter.partitions(tablePaths, tasks));
      LOG.info("Committed {} file(s) for task(s) {} of {}", parts.size(), tasks, tablePaths);
    } else {
      WarehouseCommitter.commit(conf, warehouse, staging, tablePaths, tasks, parts);
    }
  }

  private static void checkRejectRatio(String table, IngestResult result, double maxRejectRatio) {
    long in = result.rowsIn();
    long rejected = result.rejected();
    if (new RejectBudget(maxRejectRatio).exceededBy(rejected, in)) {
      throw new MimicitException(
          "Cannot commit %s: %s were rejected %s, more than --max-reject-ratio %s allows. Nothing"
              + " was written; fix the input or raise the ratio.",
          table,
          RejectBudget.share(rejected, in, "records"),
          result.rejectedByReason(),
          maxRejectRatio);
    }
  }

  private static void delete(Configuration conf, Path path) {
    try {
      path.getFileSystem(conf).delete(path, true);
    } catch (IOException e) {
      LOG.warn("Cannot delete the staging folder {}: {}", path, e.getMessage());
    }
  }
}
