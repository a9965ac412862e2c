package org.mimicit.common.ingest;

import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.io.TableParquetWriter;
import org.mimicit.common.warehouse.CommitterOutput;
import org.mimicit.common.warehouse.Partitions;
import org.mimicit.common.warehouse.SerializableConf;

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
    TaskWrite write = new TaskWrite(this, spec, rawSchema, duplicates, base);
    boolean ok = false;
    try {
      while (rows.hasNext()) {
        write.row(rows.next());
      }
      PartitionResult result = write.finish();
      if (committed != null) {
        committed.commit();
      }
      ok = true;
      return List.of(result).iterator();
    } finally {
      if (!ok) {
        write.abort();
        if (committed != null) {
          committed.abort();
        }
      }
    }
  }

  /** A new writer of the partition {@code task} of {@code tablePath} under {@code base}. */
  TableParquetWriter newWriter(
      Path base, String tablePath, String task, StructType schema, String[] media, String[] plain) {
    Path dir = new Path(base, Partitions.of(tablePath, task));
    int partition = TaskContext.get().partitionId();
    String tag = output == null ? "" : "-" + output.fileTag();
    return TableParquetWriter.builder(conf.get(), schema)
        .mediaColumns(media)
        .plainColumns(plain)
        .rowGroupBytes(rowGroupBytes)
        .maxFileBytes(maxFileBytes)
        .files(i -> new Path(dir, String.format("part-%05d-%03d%s.parquet", partition, i, tag)))
        .build();
  }
}
