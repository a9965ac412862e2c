package org.mimicit.common.ingest;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;
import org.mimicit.common.ingest.PartitionWriter.LastOccurrence;
import org.mimicit.common.io.TableParquetWriter;
import org.mimicit.common.schema.RejectReason;
import org.mimicit.common.schema.RejectedSchema;
import org.mimicit.common.warehouse.Partitions;
import org.mimicit.common.warehouse.WrittenPart;

/**
 * The write of one Spark task for {@link PartitionWriter}: the rows of its partition to the writers
 * of each table and MIMIC-IT task, the counts per MIMIC-IT task and the hashes of the ids it read.
 */
final class TaskWrite {
  private final PartitionWriter files;
  private final TableSpec spec;
  private final StructType rawSchema;
  private final Path base;
  private final int taskCol;
  private final int idCol;
  private final int sourceCol;
  private final int offsetCol;
  private final int reasonCol;
  private final int detailCol;
  private final StructField[] tableFields;
  private final int[] tableCols;
  private final Map<String, TaskCounts> counts = new HashMap<>();
  private final Map<String, TableParquetWriter> writers = new HashMap<>();
  private final Map<String, LastOccurrence> dups;
  private long[] hashes = new long[1024];
  private int hashCount = 0;
  private final Object[] tableRow;
  private final Object[] rejectRow = new Object[RejectedSchema.SCHEMA.size()];
  private final String rejectedPath;

  // the task of the rows being read: rows come file by file, so it rarely changes
  private UTF8String lastTask;
  private String task;
  private TaskCounts c;
  private TableParquetWriter tableWriter;
  private TableParquetWriter rejectWriter;

  TaskWrite(
      PartitionWriter files,
      TableSpec spec,
      StructType rawSchema,
      Broadcast<Map<String, LastOccurrence>> duplicates,
      Path base) {
    this.files = files;
    this.spec = spec;
    this.rawSchema = rawSchema;
    this.base = base;
    this.taskCol = rawSchema.fieldIndex(Partitions.TASK);
    this.idCol = rawSchema.fieldIndex(spec.idColumn());
    this.sourceCol = rawSchema.fieldIndex(RejectedSchema.SOURCE);
    this.offsetCol = rawSchema.fieldIndex(RejectedSchema.SOURCE_OFFSET);
    this.reasonCol = rawSchema.fieldIndex(RejectedSchema.REASON);
    this.detailCol = rawSchema.fieldIndex(RejectedSchema.DETAIL);
    this.tableFields = spec.schema().fields();
    this.tableCols = new int[tableFields.length];
    for (int i = 0; i < tableCols.length; i++) {
      tableCols[i] = rawSchema.fieldIndex(tableFields[i].name());
    }
    this.tableRow = new Object[tableFields.length];
    this.rejectedPath = RejectedSchema.pathOf(spec.table());
    this.dups = duplicates.value();
  }

  /** Writes one row to the table, or to the rejected rows with its reason. */
  void row(InternalRow row) {
    UTF8String taskValue = row.getUTF8String(taskCol);
    if (!taskValue.equals(lastTask)) {
      startTask(taskValue);
    }
    String id = row.isNullAt(idCol) ? null : row.getUTF8String(idCol).toString();
    long offset = row.getLong(offsetCol);
    c.rowsIn++;
    String reason = row.isNullAt(reasonCol) ? null : row.getUTF8String(reasonCol).toString();
    String detail = row.isNullAt(detailCol) ? null : row.getUTF8String(detailCol).toString();
    if (id != null) {
      LastOccurrence last = recordId(row, id, offset);
      if (last != null) {
        reason = RejectReason.DUPLICATE_ID.code();
        detail =
            String.format(
                "id occurs again at byte %d of %s; the last occurrence wins",
                last.offset(), last.source());
      }
    }
    if (reason == null) {
      writeTableRow(row);
    } else {
      writeRejectRow(row, id, reason, detail, offset);
    }
  }

  private void startTask(UTF8String taskValue) {
    lastTask = taskValue.copy();
    task = taskValue.toString();
    c = counts.computeIfAbsent(task, t -> new TaskCounts());
    tableWriter = null;
    rejectWriter = null;
  }

  /**
   * Keeps the id's hash; returns the id's last occurrence when it is a duplicate and this row is
   * not that occurrence, else null.
   */
  private LastOccurrence recordId(InternalRow row, String id, long offset) {
    if (hashCount == hashes.length) {
      hashes = Arrays.copyOf(hashes, hashCount * 2);
    }
    hashes[hashCount++] = IdHash.of(task, id);
    LastOccurrence last = dups.isEmpty() ? null : dups.get(PartitionWriter.key(task, id));
    if (last != null
        && (last.offset() != offset
            || !last.source().equals(row.getUTF8String(sourceCol).toString()))) {
      return last;
    }
    return null;
  }

  private void writeTableRow(InternalRow row) {
    for (int i = 0; i < tableRow.length; i++) {
      tableRow[i] = value(row, tableCols[i], tableFields[i].dataType());
    }
    if (tableWriter == null) {
      tableWriter =
          writer(spec.table(), task, spec.schema(), spec.mediaColumns(), spec.plainColumns());
    }
    tableWriter.write(tableRow);
    c.rowsOut++;
  }

  private void writeRejectRow(
      InternalRow row, String id, String reason, String detail, long offset) {
    c.reject(reason);
    rejectRow[0] = id;
    rejectRow[1] = reason;
    rejectRow[2] = detail;
    rejectRow[3] = row.getUTF8String(sourceCol).toString();
    rejectRow[4] = offset;
    if (rejectWriter == null) {
      rejectWriter =
          writer(rejectedPath, task, RejectedSchema.SCHEMA, new String[0], new String[0]);
    }
    rejectWriter.write(rejectRow);
  }

  /** Closes the writers; returns their files, the counts and the sorted id hashes. */
  PartitionResult finish() {
    List<WrittenPart> parts = new ArrayList<>();
    for (Map.Entry<String, TableParquetWriter> e : writers.entrySet()) {
      TableParquetWriter w = e.getValue();
      w.close();
      String[] tableAndTask = e.getKey().split("\u0000");
      for (TableParquetWriter.WrittenFile f : w.writtenFiles()) {
        parts.add(
            new WrittenPart(
                tableAndTask[0],
                tableAndTask[1],
                f.path().toString(),
                f.path().getName(),
                f.rows(),
                f.bytes()));
        if (tableAndTask[0].equals(spec.table())) {
          counts.get(tableAndTask[1]).bytesOut += f.bytes();
        }
      }
    }
    long[] sorted = Arrays.copyOf(hashes, hashCount);
    Arrays.sort(sorted);
    return new PartitionResult(parts, counts, sorted);
  }

  void abort() {
    for (TableParquetWriter w : writers.values()) {
      w.abort();
    }
  }

  /** A column of an internal row as the Java value {@link TableParquetWriter} takes. */
  private static Object value(InternalRow row, int i, DataType type) {
    if (row.isNullAt(i)) {
      return null;
    } else if (type instanceof StringType) {
      return row.getUTF8String(i); // written as its UTF-8 bytes, never decoded
    } else if (type instanceof BinaryType) {
      if (row instanceof UnsafeRow unsafe && unsafe.getBaseObject() instanceof byte[] base) {
        // The image bytes where they lie in Spark's row: Parquet copies them once, into its page.
        long offsetAndSize = unsafe.getLong(i);
        int start =
            (int) (unsafe.getBaseOffset() - Platform.BYTE_ARRAY_OFFSET)
                + (int) (offsetAndSize >> 32);
        return ByteBuffer.wrap(base, start, (int) offsetAndSize);
      }
      return row.getBinary(i);
    } else if (type instanceof IntegerType) {
      return row.getInt(i);
    } else if (type instanceof LongType) {
      return row.getLong(i);
    } else if (type instanceof BooleanType) {
      return row.getBoolean(i);
    } else if (type instanceof DoubleType) {
      return row.getDouble(i);
    } else if (type instanceof ArrayType array && array.elementType() instanceof StringType) {
      ArrayData data = row.getArray(i);
      List<Object> values = new ArrayList<>(data.numElements());
      for (int j = 0; j < data.numElements(); j++) {
        values.add(data.isNullAt(j) ? null : data.getUTF8String(j));
      }
      return values;
    }
    throw new IllegalArgumentException("Cannot write column type " + type.simpleString());
  }

  private TableParquetWriter writer(
      String tablePath, String task, StructType schema, String[] media, String[] plain) {
    return writers.computeIfAbsent(
        tablePath + '\u0000' + task,
        k -> files.newWriter(base, tablePath, task, schema, media, plain));
  }
}
