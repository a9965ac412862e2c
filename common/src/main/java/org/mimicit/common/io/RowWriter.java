package org.mimicit.common.io;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
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
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Checks rows against a Spark schema and sends them to a Parquet {@link RecordConsumer} in the
 * layout of {@link SparkParquetSchemas}.
 *
 * <p>A row is an {@code Object[]} in schema order. Values are {@code String}, {@code Integer},
 * {@code Long}, {@code Boolean}, {@code Double}, {@code byte[]}, a {@code List} for an array and an
 * {@code Object[]} for a struct; {@code null} where the schema allows it.
 */
final class RowWriter {
  private final StructType schema;

  /**
   * @param schema a schema {@link SparkParquetSchemas#toParquet} accepts
   */
  RowWriter(StructType schema) {
    this.schema = schema;
  }

  /**
   * Checks that {@code row} fits the schema, so that {@link #write} cannot fail halfway through a
   * record.
   *
   * @throws IllegalArgumentException naming the first offending column
   */
  void validate(Object[] row) {
    checkArgument(row != null, "Cannot write a null row");
    if (row.length != schema.fields().length) { // not checkArgument: simpleString() is costly
      throw new IllegalArgumentException(
          String.format(
              "Cannot write a row of %s values to a table of %s columns %s",
              row.length, schema.fields().length, schema.simpleString()));
    }
    validateFields("", schema.fields(), row);
  }

  /** Writes one record; {@code row} must have passed {@link #validate}. */
  void write(RecordConsumer consumer, Object[] row) {
    consumer.startMessage();
    writeFields(consumer, schema.fields(), row);
    consumer.endMessage();
  }

  private static void validateFields(String prefix, StructField[] fields, Object[] values) {
    for (int i = 0; i < fields.length; i++) {
      StructField field = fields[i];
      validateValue(prefix, field.name(), field.dataType(), field.nullable(), values[i]);
    }
  }

  // Hot path: runs for every value of every row, so the column path is built only on failure.
  private static void validateValue(
      String prefix, String name, DataType type, boolean nullable, Object value) {
    if (value == null) {
      if (!nullable) {
        throw new IllegalArgumentException(
            "Cannot write null to non-nullable column " + prefix + name);
      }
      return;
    }
    Class<?> expected = javaClass(type);
    if (!expected.isInstance(value)
        && !(type instanceof StringType && value instanceof UTF8String)
        && !(type instanceof BinaryType && value instanceof ByteBuffer b && b.hasArray())) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot write a %s to column %s of type %s: expected a %s",
              value.getClass().getName(), prefix + name, type.simpleString(), expected.getName()));
    }
    if (type instanceof ArrayType array) {
      DataType elementType = array.elementType();
      boolean nested = elementType instanceof ArrayType || elementType instanceof StructType;
      Class<?> elementClass = javaClass(elementType);
      int i = 0;
      for (Object element : (List<?>) value) {
        if (nested
            || (element == null
                ? !array.containsNull()
                : !elementClass.isInstance(element) && !(element instanceof UTF8String))) {
          validateValue(prefix, name + "[" + i + "]", elementType, array.containsNull(), element);
        }
        i++;
      }
    } else if (type instanceof StructType struct) {
      Object[] values = (Object[]) value;
      if (values.length != struct.fields().length) {
        throw new IllegalArgumentException(
            String.format(
                "Cannot write %s values to column %s of type %s: expected %s",
                values.length, prefix + name, type.simpleString(), struct.fields().length));
      }
      validateFields(prefix + name + ".", struct.fields(), values);
    }
  }

  private static Class<?> javaClass(DataType type) {
    if (type instanceof ArrayType) {
      return List.class;
    } else if (type instanceof StructType) {
      return Object[].class;
    } else if (type instanceof StringType) {
      return String.class;
    } else if (type instanceof BinaryType) {
      return byte[].class;
    } else if (type instanceof IntegerType) {
      return Integer.class;
    } else if (type instanceof LongType) {
      return Long.class;
    } else if (type instanceof BooleanType) {
      return Boolean.class;
    } else if (type instanceof DoubleType) {
      return Double.class;
    }
    throw new IllegalArgumentException("Unsupported type " + type.simpleString());
  }

  private static void writeFields(RecordConsumer consumer, StructField[] fields, Object[] values) {
    for (int i = 0; i < fields.length; i++) {
      if (values[i] != null) {
        consumer.startField(fields[i].name(), i);
        writeValue(consumer, fields[i].dataType(), values[i]);
        consumer.endField(fields[i].name(), i);
      }
    }
  }

  private static void writeValue(RecordConsumer consumer, DataType type, Object value) {
    if (type instanceof ArrayType array) {
      writeList(consumer, array.elementType(), (List<?>) value);
    } else if (type instanceof StructType struct) {
      consumer.startGroup();
      writeFields(consumer, struct.fields(), (Object[]) value);
      consumer.endGroup();
    } else if (type instanceof StringType) {
      consumer.addBinary(
          value instanceof UTF8String utf8
              ? Binary.fromReusedByteArray(
                  utf8.getBytes()) // Spark's UTF-8 bytes: no decode, no encode
              : Binary.fromString((String) value));
    } else if (type instanceof BinaryType) {
      // "reused": Parquet copies the bytes wherever it keeps them, so callers may reuse arrays
      consumer.addBinary(
          value instanceof ByteBuffer slice // a slice of a larger array: no copy
              ? Binary.fromReusedByteArray(
                  slice.array(), slice.arrayOffset() + slice.position(), slice.remaining())
              : Binary.fromReusedByteArray((byte[]) value));
    } else if (type instanceof IntegerType) {
      consumer.addInteger((Integer) value);
    } else if (type instanceof LongType) {
      consumer.addLong((Long) value);
    } else if (type instanceof BooleanType) {
      consumer.addBoolean((Boolean) value);
    } else {
      consumer.addDouble((Double) value);
    }
  }

  private static void writeList(RecordConsumer consumer, DataType elementType, List<?> list) {
    consumer.startGroup();
    if (!list.isEmpty()) {
      consumer.startField("list", 0);
      for (Object element : list) {
        consumer.startGroup();
        if (element != null) {
          consumer.startField("element", 0);
          writeValue(consumer, elementType, element);
          consumer.endField("element", 0);
        }
        consumer.endGroup();
      }
      consumer.endField("list", 0);
    }
    consumer.endGroup();
  }
}
