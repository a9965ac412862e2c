package org.mimicit.common.io;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Writes rows of a flat schema (top-level scalars and arrays of scalars, the warehouse tables)
 * straight to the column writers with their repetition and definition levels, instead of through
 * Parquet's record consumer, whose per-value bookkeeping costs more than the encoding for rows with
 * lists. Rows must have passed {@link RowWriter#validate}; the output is the same.
 */
final class FlatRowWriter {
  private final DataType[] types;
  private final boolean[] optional;
  private final boolean[] isArray;

  /** Definition level of a present value (scalars) or a present element (arrays). */
  private final int[] maxDefinition;

  private final ColumnDescriptor[] columns;
  private ColumnWriter[] writers;

  private FlatRowWriter(StructType schema, MessageType parquet) {
    StructField[] fields = schema.fields();
    this.types = new DataType[fields.length];
    this.optional = new boolean[fields.length];
    this.isArray = new boolean[fields.length];
    this.maxDefinition = new int[fields.length];
    this.columns = parquet.getColumns().toArray(new ColumnDescriptor[0]);
    for (int i = 0; i < fields.length; i++) {
      DataType type = fields[i].dataType();
      isArray[i] = type instanceof ArrayType;
      types[i] = isArray[i] ? ((ArrayType) type).elementType() : type;
      optional[i] = fields[i].nullable();
      maxDefinition[i] = columns[i].getMaxDefinitionLevel();
    }
  }

  /** A writer for {@code schema}, or null when it is not flat (structs, nested arrays). */
  static FlatRowWriter of(StructType schema, MessageType parquet) {
    for (StructField f : schema.fields()) {
      DataType t = f.dataType() instanceof ArrayType a ? a.elementType() : f.dataType();
      if (!(t instanceof StringType
          || t instanceof BinaryType
          || t instanceof IntegerType
          || t instanceof LongType
          || t instanceof BooleanType
          || t instanceof org.apache.spark.sql.types.DoubleType)) {
        return null;
      }
    }
    return new FlatRowWriter(schema, parquet);
  }

  /** Binds to the column writers of a new row group. */
  void start(ColumnWriteStore store) {
    writers = new ColumnWriter[columns.length];
    for (int i = 0; i < columns.length; i++) {
      writers[i] = store.getColumnWriter(columns[i]);
    }
  }

  void write(ColumnWriteStore store, Object[] row) {
    for (int i = 0; i < row.length; i++) {
      ColumnWriter w = writers[i];
      Object value = row[i];
      if (!isArray[i]) {
        if (value == null) {
          w.writeNull(0, 0);
        } else {
          writeValue(w, types[i], value, 0, maxDefinition[i]);
        }
        continue;
      }
      // optional group f (LIST) { repeated group list { [optional] element } }
      int listDefined = optional[i] ? 1 : 0;
      if (value == null) {
        w.writeNull(0, 0);
        continue;
      }
      List<?> list = (List<?>) value;
      if (list.isEmpty()) {
        w.writeNull(0, listDefined);
        continue;
      }
      int repetition = 0;
      for (Object element : list) {
        if (element == null) {
          w.writeNull(repetition, maxDefinition[i] - 1);
        } else {
          writeValue(w, types[i], element, repetition, maxDefinition[i]);
        }
        repetition = 1;
      }
    }
    store.endRecord();
  }

  private static void writeValue(ColumnWriter w, DataType type, Object value, int r, int d) {
    if (type instanceof StringType) {
      w.write(
          value instanceof UTF8String utf8
              ? Binary.fromReusedByteArray(utf8.getBytes())
              : Binary.fromString((String) value),
          r,
          d);
    } else if (type instanceof BinaryType) {
      w.write(
          value instanceof ByteBuffer slice
              ? Binary.fromReusedByteArray(
                  slice.array(), slice.arrayOffset() + slice.position(), slice.remaining())
              : Binary.fromReusedByteArray((byte[]) value),
          r,
          d);
    } else if (type instanceof IntegerType) {
      w.write((Integer) value, r, d);
    } else if (type instanceof LongType) {
      w.write((Long) value, r, d);
    } else if (type instanceof BooleanType) {
      w.write((Boolean) value, r, d);
    } else {
      w.write((Double) value, r, d);
    }
  }
}
