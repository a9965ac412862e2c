package org.mimicit.common.source;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.mimicit.common.io.DataFiles;
import org.mimicit.common.json.InstructionsJsonParser;
import org.mimicit.common.schema.RejectReason;

/** Reads the instruction records of one exact byte range. */
final class InstructionsPartitionReader implements PartitionReader<InternalRow> {
  private static final StructType FULL = SourceFormat.INSTRUCTIONS.schema(ReadMode.PERMISSIVE);
  private static final int TASK = 0;
  private static final int ID = 1;
  private static final int INSTRUCTION = 2;
  private static final int ANSWER = 3;
  private static final int IMAGE_IDS = 4;
  private static final int REL_INS_IDS = 5;
  private static final int EXTRA = 6;
  private static final int SOURCE = 7;
  private static final int OFFSET = 8;
  private static final int REASON = 9;
  private static final int DETAIL = 10;

  private static final java.util.Set<String> IDS_ONLY_COLUMNS =
      java.util.Set.of("task", "ins_id", "source", "source_offset");

  private final FileRange range;
  private final ReadMode mode;
  private final RowProjection projection;
  private final boolean idsOnly;
  private final InstructionsJsonParser parser;
  private final UTF8String task;
  private final UTF8String source;
  private InternalRow current;

  InstructionsPartitionReader(
      FileRange range, StructType readSchema, ReadMode mode, Configuration conf)
      throws IOException {
    this.range = range;
    this.mode = mode;
    this.projection = new RowProjection(FULL, readSchema);
    Path path = new Path(range.path());
    FSDataInputStream in = DataFiles.fileSystem(path, conf).open(path, 1 << 20);
    in.seek(range.start());
    // Only ids and offsets wanted (the duplicate check): skip record values without reading them.
    this.idsOnly =
        mode == ReadMode.PERMISSIVE
            && readSchema.fields().length > 0
            && java.util.Arrays.stream(readSchema.fieldNames())
                .allMatch(IDS_ONLY_COLUMNS::contains);
    this.parser = new InstructionsJsonParser(in, range.start(), range.end(), idsOnly);
    this.task = UTF8String.fromString(range.task());
    this.source = UTF8String.fromString(range.path());
  }

  @Override
  public boolean next() throws IOException {
    Object[] row = projection.newFullRow();
    while (parser.next()) {
      Arrays.fill(row, null);
      row[TASK] = task;
      row[ID] = parser.id() == null ? null : UTF8String.fromString(parser.id());
      row[SOURCE] = source;
      row[OFFSET] = parser.offset();
      String reason =
          switch (parser.status()) {
            case RECORD -> null;
            case MISSING_FIELD -> RejectReason.MISSING_FIELD.code();
            case INVALID_FIELD -> RejectReason.INVALID_FIELD.code();
            case MALFORMED -> RejectReason.MALFORMED_JSON.code();
          };
      if (reason == null) {
        if (!idsOnly) {
          row[INSTRUCTION] = UTF8String.fromString(parser.instruction());
          row[ANSWER] = UTF8String.fromString(parser.answer());
          row[IMAGE_IDS] = strings(parser.imageIds());
          row[REL_INS_IDS] = strings(parser.relInsIds());
          row[EXTRA] =
              parser.extraJson() == null ? null : UTF8String.fromString(parser.extraJson());
        }
      } else if (!mode.keepBadRecord(
          "instruction", parser.id(), parser.offset(), range.path(), reason, parser.detail())) {
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

  private static GenericArrayData strings(List<String> values) {
    Object[] out = new Object[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = UTF8String.fromString(values.get(i));
    }
    return new GenericArrayData(out);
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
