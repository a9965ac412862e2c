package org.mimicit.common.ingest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.io.TableParquetWriter;
import org.mimicit.common.schema.RejectReason;
import org.mimicit.common.schema.RejectedSchema;
import org.mimicit.common.source.SerializableConf;
import org.mimicit.common.source.SourceColumns;

/**
 * Runs on the executors: writes the good rows of one partition to the table and the bad ones to
 * {@code rejected/<table>}, one set of Parquet files per task, into a folder of this attempt only.
 * The driver commits the files of the attempt that succeeded and ignores all others.
 */
final class PartitionWriter implements FlatMapFunction<Iterator<Row>, PartitionResult> {
  private static final long serialVersionUID = 1L;

  private final TableSpec spec;
  private final String staging;
  private final SerializableConf conf;
  private final Broadcast<Map<String, LastOccurrence>> duplicates;
  private final long rowGroupBytes;
  private final long maxFileBytes;

  /** Where the occurrence of a duplicated id that wins (the last one) is. */
  record LastOccurrence(String source, long offset) implements java.io.Serializable {}

  PartitionWriter(TableSpec spec, String staging, SerializableConf conf,
      Broadcast<Map<String, LastOccurrence>> duplicates, long rowGroupBytes, long maxFileBytes) {
    this.spec = spec;
    this.staging = staging;
    this.conf = conf;
    this.duplicates = duplicates;
    this.rowGroupBytes = rowGroupBytes;
    this.maxFileBytes = maxFileBytes;
  }

  static String key(String task, String id) {
    return task + '\u0000' + id;
  }

  @Override
  public Iterator<PartitionResult> call(Iterator<Row> rows) throws Exception {
    TaskContext ctx = TaskContext.get();
    String attempt = String.format("attempt-%d-%05d-%d", ctx.stageId(), ctx.partitionId(),
        ctx.attemptNumber());
    Map<String, TaskCounts> counts = new HashMap<>();
    Map<String, TableParquetWriter> writers = new HashMap<>();
    Map<String, LastOccurrence> dups = duplicates.value();
    int[] tableColumns = null;
    Object[] tableRow = new Object[spec.schema().size()];
    Object[] rejectRow = new Object[RejectedSchema.SCHEMA.size()];
    String rejectedPath = RejectedSchema.pathOf(spec.table());
    boolean ok = false;
    try {
      while (rows.hasNext()) {
        Row row = rows.next();
        if (tableColumns == null) {
          tableColumns = positions(row.schema(), spec.schema());
        }
        String task = row.getAs(SourceColumns.TASK);
        String id = row.getAs(spec.idColumn());
        String source = row.getAs(RejectedSchema.SOURCE);
        long offset = row.<Long>getAs(RejectedSchema.SOURCE_OFFSET);
        TaskCounts c = counts.computeIfAbsent(task, t -> new TaskCounts());
        c.rowsIn++;
        String reason = row.getAs(RejectedSchema.REASON);
        String detail = row.getAs(RejectedSchema.DETAIL);
        LastOccurrence last = id == null ? null : dups.get(key(task, id));
        if (last != null && (last.offset() != offset || !last.source().equals(source))) {
          reason = RejectReason.DUPLICATE_ID.code();
          detail = String.format("id occurs again at byte %d of %s; the last occurrence wins",
              last.offset(), last.source());
        }
        if (reason == null) {
          for (int i = 0; i < tableRow.length; i++) {
            Object v = row.get(tableColumns[i]);
            tableRow[i] = v instanceof scala.collection.Seq<?> ? row.getList(tableColumns[i]) : v;
          }
          writer(writers, attempt, spec.table(), task, spec.schema(), spec.mediaColumns())
              .write(tableRow);
          c.rowsOut++;
        } else {
          c.reject(reason);
          rejectRow[0] = id;
          rejectRow[1] = reason;
          rejectRow[2] = detail;
          rejectRow[3] = source;
          rejectRow[4] = offset;
          writer(writers, attempt, rejectedPath, task, RejectedSchema.SCHEMA, new String[0])
              .write(rejectRow);
        }
      }
      List<WrittenPart> parts = new ArrayList<>();
      for (Map.Entry<String, TableParquetWriter> e : writers.entrySet()) {
        TableParquetWriter w = e.getValue();
        w.close();
        String[] tableAndTask = e.getKey().split("\u0000");
        for (TableParquetWriter.WrittenFile f : w.writtenFiles()) {
          parts.add(new WrittenPart(tableAndTask[0], tableAndTask[1], f.path().toString(),
              f.path().getName(), f.rows(), f.bytes()));
          if (tableAndTask[0].equals(spec.table())) {
            counts.get(tableAndTask[1]).bytesOut += f.bytes();
          }
        }
      }
      ok = true;
      return List.of(new PartitionResult(parts, counts)).iterator();
    } finally {
      if (!ok) {
        for (TableParquetWriter w : writers.values()) {
          w.abort();
        }
      }
    }
  }

  private TableParquetWriter writer(Map<String, TableParquetWriter> writers, String attempt,
      String tablePath, String task, StructType schema, String[] media) {
    return writers.computeIfAbsent(tablePath + '\u0000' + task, k -> {
      Path dir = new Path(new Path(staging, attempt), tablePath + "/task=" + task);
      int partition = TaskContext.get().partitionId();
      return TableParquetWriter.builder(conf.get(), schema)
          .mediaColumns(media)
          .rowGroupBytes(rowGroupBytes)
          .maxFileBytes(maxFileBytes)
          .files(i -> new Path(dir, String.format("part-%05d-%03d.parquet", partition, i)))
          .build();
    });
  }

  private static int[] positions(StructType rowSchema, StructType tableSchema) {
    int[] positions = new int[tableSchema.size()];
    int i = 0;
    for (StructField f : tableSchema.fields()) {
      positions[i++] = rowSchema.fieldIndex(f.name());
    }
    return positions;
  }
}
