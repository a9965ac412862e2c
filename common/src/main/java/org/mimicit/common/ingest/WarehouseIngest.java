package org.mimicit.common.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.ingest.PartitionWriter.LastOccurrence;
import org.mimicit.common.schema.RejectedSchema;
import org.mimicit.common.source.SerializableConf;
import org.mimicit.common.source.SourceColumns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a permissive read of a MIMIC-IT source into one warehouse table and its rejected rows
 * into {@code rejected/<table>}, in one pass over the data, and commits only the tasks of the
 * run. Python's {@code json} semantics for duplicated ids: the last occurrence (by file name,
 * then position) wins, the earlier ones are rejected as {@code duplicate_id}. The ids are found
 * by a first pass that reads ids only, without decoding values.
 */
public final class WarehouseIngest {
  private static final Logger LOG = LoggerFactory.getLogger(WarehouseIngest.class);
  /** Rows groups and files of image tables: at most 128 MB and about 512 MB. */
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
  public static IngestResult run(SparkSession spark, Dataset<Row> raw, TableSpec spec,
      String warehouse, Set<String> tasks, double maxRejectRatio) {
    Configuration conf = spark.sessionState().newHadoopConf();
    Map<String, LastOccurrence> duplicates = findDuplicates(raw, spec.idColumn());
    Broadcast<Map<String, LastOccurrence>> dups =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(duplicates);
    Path staging = new Path(warehouse, "_staging/" + spec.table() + "-" + UUID.randomUUID());
    try {
      spark.sparkContext().setJobDescription("write " + spec.table() + " and rejected rows");
      List<PartitionResult> results = raw.javaRDD()
          .mapPartitions(new PartitionWriter(spec, staging.toString(), new SerializableConf(conf),
              dups, ROW_GROUP_BYTES, MAX_FILE_BYTES))
          .collect();
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
      WarehouseCommitter.commit(conf, warehouse, staging,
          List.of(spec.table(), RejectedSchema.pathOf(spec.table())), tasks, parts);
      return result;
    } finally {
      dups.destroy();
      spark.sparkContext().setJobDescription(null);
      try {
        org.apache.hadoop.fs.FileSystem fs = staging.getFileSystem(conf);
        fs.delete(staging, true);
        Path parent = staging.getParent();
        if (fs.exists(parent) && fs.listStatus(parent).length == 0) {
          fs.delete(parent, false); // _staging/ when no other run is using it
        }
      } catch (IOException e) {
        LOG.warn("Cannot delete the staging folder {}: {}", staging, e.getMessage());
      }
    }
  }

  /** Ids that occur more than once per task, with where their last occurrence is. */
  private static Map<String, LastOccurrence> findDuplicates(Dataset<Row> raw, String idColumn) {
    raw.sparkSession().sparkContext().setJobDescription("find duplicate ids");
    List<Row> rows = raw.select(col(SourceColumns.TASK), col(idColumn),
            col(RejectedSchema.SOURCE), col(RejectedSchema.SOURCE_OFFSET))
        .where(col(idColumn).isNotNull())
        .groupBy(col(SourceColumns.TASK), col(idColumn))
        .agg(count("*").as("n"),
            max(struct(col(RejectedSchema.SOURCE), col(RejectedSchema.SOURCE_OFFSET))).as("last"))
        .where(col("n").gt(1))
        .collectAsList();
    Map<String, LastOccurrence> duplicates = new HashMap<>();
    for (Row r : rows) {
      Row last = r.getStruct(3);
      duplicates.put(PartitionWriter.key(r.getString(0), r.getString(1)),
          new LastOccurrence(last.getString(0), last.getLong(1)));
    }
    if (!duplicates.isEmpty()) {
      LOG.warn("{} id(s) occur more than once; the earlier occurrences go to rejected/ as "
          + "duplicate_id", duplicates.size());
    }
    return duplicates;
  }

  private static void checkRejectRatio(String table, IngestResult result, double maxRejectRatio) {
    long in = result.rowsIn();
    long rejected = result.rejected();
    if (in > 0 && (double) rejected / in > maxRejectRatio) {
      throw new MimicitException(
          "Cannot commit %s: %d of %d records (%.1f%%) were rejected %s, more than "
              + "--max-reject-ratio %s allows. Nothing was written; fix the input or raise the ratio.",
          table, rejected, in, 100.0 * rejected / in, result.rejectedByReason(), maxRejectRatio);
    }
  }
}
