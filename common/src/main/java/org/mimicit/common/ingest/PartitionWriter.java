package org.mimicit.common.ingest;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
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
import org.mimicit.common.io.TableParquetWriter;
import org.mimicit.common.schema.RejectReason;
import org.mimicit.common.schema.RejectedSchema;
import org.mimicit.common.warehouse.CommitterOutput;
import org.mimicit.common.warehouse.Partitions;
import org.mimicit.common.warehouse.SerializableConf;
import org.mimicit.common.warehouse.WrittenPart;

/**
 * Runs on the executors: writes the good rows of one partition to the table and the bad ones to
 * {@code rejected/<table>}, one set of Parquet files per task, into a folder of this attempt only
 * (or, where the file system has a committer of its own, S3A's on s3a://, through {@link
 * CommitterOutput}). The driver commits the files of the attempt that succeeded and ignores all
 * others. Reads Spark's internal rows directly: no conversion to {@code Row}, one copy of each
 * image.
 */
final class PartitionWriter implements FlatMapFunction<Iterator<InternalRow>, PartitionResult> {
  private static final long serialVersionUID = 1L;

  private final TableSpec spec;
  private final StructType rawSchema;
  private final String staging;
  private final CommitterOutput output;
  private final SerializableConf conf;
  private final Broadcast<Map<String, LastOccurrence>> duplicates;
  private final long rowGroupBytes;
  private final long maxFileBytes;

  /** Where the occurrence of a duplicated id that wins (the last one) is. */
  record LastOccurrence(String source, long offset) implements Serializable {}

  /**
   * @param output the committer this write goes through, or null to write into a folder of each
   *     attempt under {@code staging}
   */
  PartitionWriter(
      TableSpec spec,
      StructType rawSchema,
      String staging,
      CommitterOutput output,
      SerializableConf conf,
      Broadcast<Map<String, LastOccurrence>> duplicates,
      long rowGroupBytes,
      long maxFileBytes) {
    this.spec = spec;
    this.rawSchema = rawSchema;
    this.staging = staging;
    this.output = output;
    this.conf = conf;
    this.duplicates = duplicates;
    this.rowGroupBytes = rowGroupBytes;
    this.maxFileBytes = maxFileBytes;
  }

  static String key(String task, String id) {
    return task + '\u0000' + id;
  }

  @Override
  public Iterator<PartitionResult> call(Iterator<InternalRow> rows) throws IOException {
    TaskContext ctx = TaskContext.get();
    CommitterOutput.Task committed =
        output == null ? null : output.task(ctx.partitionId(), ctx.attemptNumber());
    Path base =
        committed != null
            ? committed.workPath()
            : new Path(
                staging,
                String.format(
                    "attempt-%d-%05d-%d", ctx.stageId(), ctx.partitionId(), ctx.attemptNumber()));
    int taskCol = rawSchema.fieldIndex(Partitions.TASK);
    int idCol = rawSchema.fieldIndex(spec.idColumn());
    int sourceCol = rawSchema.fieldIndex(RejectedSchema.SOURCE);
    int offsetCol = rawSchema.fieldIndex(RejectedSchema.SOURCE_OFFSET);
    int reasonCol = rawSchema.fieldIndex(RejectedSchema.REASON);
    int detailCol = rawSchema.fieldIndex(RejectedSchema.DETAIL);
    StructField[] tableFields = spec.schema().fields();
    int[] tableCols = new int[tableFields.length];
    for (int i = 0; i < tableCols.length; i++) {
      tableCols[i] = rawSchema.fieldIndex(tableFields[i].name());
    }
    Map<String, TaskCounts> counts = new HashMap<>();
    Map<String, TableParquetWriter> writers = new HashMap<>();
    Map<String, LastOccurrence> dups = duplicates.value();
    long[] hashes = new long[1024];
    int hashCount = 0;
    Object[] tableRow = new Object[tableFields.length];
    Object[] rejectRow = new Object[RejectedSchema.SCHEMA.size()];
    String rejectedPath = RejectedSchema.pathOf(spec.table());
    boolean ok = false;
    try {
      UTF8String lastTask = null;
      String task = null;
      TaskCounts c = null;
      TableParquetWriter tableWriter = null;
      TableParquetWriter rejectWriter = null;
      while (rows.hasNext()) {
        InternalRow row = rows.next();
        UTF8String taskValue = row.getUTF8String(taskCol);
        if (!taskValue.equals(lastTask)) { // rows come file by file: the task rarely changes
          lastTask = taskValue.copy();
          task = taskValue.toString();
          c = counts.computeIfAbsent(task, t -> new TaskCounts());
          tableWriter = null;
          rejectWriter = null;
        }
        String id = row.isNullAt(idCol) ? null : row.getUTF8String(idCol).toString();
        long offset = row.getLong(offsetCol);
        c.rowsIn++;
        String reason = row.isNullAt(reasonCol) ? null : row.getUTF8String(reasonCol).toString();
        String detail = row.isNullAt(detailCol) ? null : row.getUTF8String(detailCol).toString();
        if (id != null) {
          if (hashCount == hashes.length) {
            hashes = Arrays.copyOf(hashes, hashCount * 2);
          }
          hashes[hashCount++] = IdHash.of(task, id);
          LastOccurrence last = dups.isEmpty() ? null : dups.get(key(task, id));
          if (last != null
              && (last.offset() != offset
                  || !last.source().equals(row.getUTF8String(sourceCol).toString()))) {
            reason = RejectReason.DUPLICATE_ID.code();
            detail =
                String.format(
                    "id occurs again at byte %d of %s; the last occurrence wins",
                    last.offset(), last.source());
          }
        }
        if (reason == null) {
          for (int i = 0; i < tableRow.length; i++) {
            tableRow[i] = value(row, tableCols[i], tableFields[i].dataType());
          }
          if (tableWriter == null) {
            tableWriter =
                writer(
                    writers,
                    base,
                    spec.table(),
                    task,
                    spec.schema(),
                    spec.mediaColumns(),
                    spec.plainColumns());
          }
          tableWriter.write(tableRow);
          c.rowsOut++;
        } else {
          c.reject(reason);
          rejectRow[0] = id;
          rejectRow[1] = reason;
          rejectRow[2] = detail;
          rejectRow[3] = row.getUTF8String(sourceCol).toString();
          rejectRow[4] = offset;
          if (rejectWriter == null) {
            rejectWriter =
                writer(
                    writers,
                    base,
                    rejectedPath,
                    task,
                    RejectedSchema.SCHEMA,
                    new String[0],
                    new String[0]);
          }
          rejectWriter.write(rejectRow);
        }
      }
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
      if (committed != null) {
        committed.commit();
      }
      ok = true;
      return List.of(new PartitionResult(parts, counts, sorted)).iterator();
    } finally {
      if (!ok) {
        for (TableParquetWriter w : writers.values()) {
          w.abort();
        }
        if (committed != null) {
          committed.abort();
        }
      }
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
      Map<String, TableParquetWriter> writers,
      Path base,
      String tablePath,
      String task,
      StructType schema,
      String[] media,
      String[] plain) {
    return writers.computeIfAbsent(
        tablePath + '\u0000' + task,
        k -> {
          Path dir = new Path(base, Partitions.of(tablePath, task));
          int partition = TaskContext.get().partitionId();
          String tag = output == null ? "" : "-" + output.fileTag();
          return TableParquetWriter.builder(conf.get(), schema)
              .mediaColumns(media)
              .plainColumns(plain)
              .rowGroupBytes(rowGroupBytes)
              .maxFileBytes(maxFileBytes)
              .files(
                  i -> new Path(dir, String.format("part-%05d-%03d%s.parquet", partition, i, tag)))
              .build();
        });
  }
}
