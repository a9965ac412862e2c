package org.mimicit.common.source;

import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.io.DataFiles;
import org.mimicit.common.json.ImagesJsonParser;
import org.mimicit.common.json.TrainJsonParser;
import org.mimicit.common.schema.RejectReason;

/** Reads the records of one whole train file. */
final class TrainPartitionReader implements PartitionReader<InternalRow> {
  private static final StructType FULL = SourceFormat.TRAIN.schema(ReadMode.PERMISSIVE);
  private static final int TASK = 0;
  private static final int ID = 1;
  private static final int RELATED = 2;
  private static final int SOURCE = 3;
  private static final int OFFSET = 4;
  private static final int REASON = 5;
  private static final int DETAIL = 6;

  private final FileRange range;
  private final ReadMode mode;
  private final RowProjection projection;
  private final TrainJsonParser parser;
  private InternalRow current;

  TrainPartitionReader(FileRange range, StructType readSchema, ReadMode mode, Configuration conf)
      throws IOException {
    this.range = range;
    this.mode = mode;
    this.projection = new RowProjection(FULL, readSchema);
    Path path = new Path(range.path());
    try {
      this.parser = new TrainJsonParser(DataFiles.fileSystem(path, conf).open(path, 1 << 20));
    } catch (ImagesJsonParser.NotAnObjectException e) {
      throw new MimicitException(
          e, "Cannot read train relations from %s: %s", range.path(), e.getMessage());
    }
  }

  @Override
  public boolean next() throws IOException {
    Object[] row = projection.newFullRow();
    while (parser.next()) {
      Arrays.fill(row, null);
      row[TASK] = UTF8String.fromString(range.task());
      row[ID] = parser.id() == null ? null : UTF8String.fromString(parser.id());
      row[SOURCE] = UTF8String.fromString(range.path());
      row[OFFSET] = parser.offset();
      String reason =
          switch (parser.status()) {
            case RECORD -> null;
            case INVALID_FIELD -> RejectReason.INVALID_FIELD.code();
            case MALFORMED -> RejectReason.MALFORMED_JSON.code();
          };
      if (reason == null) {
        row[RELATED] =
            new GenericArrayData(parser.related().stream().map(UTF8String::fromString).toArray());
      } else if (!mode.keepBadRecord(
          "train relations of",
          parser.id(),
          parser.offset(),
          range.path(),
          reason,
          parser.detail())) {
        continue;
      } else {
        row[REASON] = UTF8String.fromString(reason);
        row[DETAIL] = UTF8String.fromString(parser.detail());
      }
      current = new GenericInternalRow(projection.project(row));
      return true;
    }
    return false;
  }

  @Override
  public InternalRow get() {
    return current;
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
