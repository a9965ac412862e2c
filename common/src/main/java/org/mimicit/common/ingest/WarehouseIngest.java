package org.mimicit.common.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
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
      long[] repeated = repeatedHashes(results);
      if (repeated.length > 0) {
        Map<String, LastOccurrence> duplicates =
            findDuplicates(spark, keyRows.get(), keys, repeated);
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
      Map<String, TaskCounts> counts = new TreeMap<>();
      for (String task : tasks) {
        counts.put(task, new TaskCounts());
      }
      List<WrittenPart> parts = new ArrayList<>();
      for (PartitionResult r : results) {
        parts.addAll(r.parts());
        r.counts().forEach((task, c) -> counts.computeIfAbsent(task, t -> new TaskCounts()).add(c));
      }
      IngestResult result = new IngestResult(counts);
      checkRejectRatio(spec.table(), result, maxRejectRatio);
      List<String> tablePaths = List.of(spec.table(), RejectedSchema.pathOf(spec.table()));
      if (output != null) {
        output.commit(WarehouseCommitter.partitions(tablePaths, tasks));
        LOG.info("Committed {} file(s) for task(s) {} of {}", parts.size(), tasks, tablePaths);
      } else {
        WarehouseCommitter.commit(conf, warehouse, staging, tablePaths, tasks, parts);
      }
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

  /** Hashes that occur more than once over all partitions (each partition's are sorted). */
  static long[] repeatedHashes(List<PartitionResult> results) {
    int total = 0;
    for (PartitionResult r : results) {
      total += r.idHashes().length;
    }
    long[] all = new long[total];
    int n = 0;
    for (PartitionResult r : results) {
      System.arraycopy(r.idHashes(), 0, all, n, r.idHashes().length);
      n += r.idHashes().length;
    }
    Arrays.sort(all);
    long[] repeated = new long[16];
    int count = 0;
    for (int i = 1; i < all.length; i++) {
      if (all[i] == all[i - 1] && (count == 0 || repeated[count - 1] != all[i])) {
        if (count == repeated.length) {
          repeated = Arrays.copyOf(repeated, count * 2);
        }
        repeated[count++] = all[i];
      }
    }
    return Arrays.copyOf(repeated, count);
  }

  /**
   * The ids whose hash repeats, looked at exactly: where their last occurrence is. {@code keys} are
   * the positions of the task, id, source and source offset in the rows.
   */
  private static Map<String, LastOccurrence> findDuplicates(
      SparkSession spark, JavaRDD<InternalRow> rows, int[] keys, long[] repeatedHashes) {
    spark.sparkContext().setJobDescription("look at repeated ids");
    Broadcast<long[]> candidates =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(repeatedHashes);
    List<Row> occurrences;
    try {
      occurrences =
          rows.mapPartitions(
                  (FlatMapFunction<Iterator<InternalRow>, Row>)
                      it -> {
                        long[] wanted = candidates.value();
                        List<Row> out = new ArrayList<>();
                        while (it.hasNext()) {
                          InternalRow r = it.next();
                          if (r.isNullAt(keys[1])) {
                            continue;
                          }
                          String task = r.getUTF8String(keys[0]).toString();
                          String id = r.getUTF8String(keys[1]).toString();
                          if (Arrays.binarySearch(wanted, IdHash.of(task, id)) >= 0) {
                            out.add(
                                RowFactory.create(
                                    task,
                                    id,
                                    r.getUTF8String(keys[2]).toString(),
                                    r.getLong(keys[3])));
                          }
                        }
                        return out.iterator();
                      })
              .collect();
    } finally {
      candidates.destroy();
    }
    Map<String, Integer> seen = new HashMap<>();
    Map<String, LastOccurrence> last = new HashMap<>();
    for (Row r : occurrences) {
      String key = PartitionWriter.key(r.getString(0), r.getString(1));
      seen.merge(key, 1, Integer::sum);
      LastOccurrence o = new LastOccurrence(r.getString(2), r.getLong(3));
      last.merge(key, o, (a, b) -> later(a, b) ? a : b);
    }
    last.keySet().removeIf(key -> seen.get(key) < 2);
    return last;
  }

  private static boolean later(LastOccurrence a, LastOccurrence b) {
    int bySource = a.source().compareTo(b.source());
    return bySource != 0 ? bySource > 0 : a.offset() > b.offset();
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
