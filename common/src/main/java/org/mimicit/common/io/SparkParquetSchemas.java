package org.mimicit.common.io;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;
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

/**
 * Converts a Spark schema to the Parquet schema Spark itself writes (standard layout, not the
 * legacy one): strings as {@code binary (STRING)}, arrays as 3-level {@code LIST} groups with a
 * {@code repeated group list { element }}, structs as groups, non-nullable fields as {@code
 * required}.
 *
 * <p>Supported types: string, int, bigint, boolean, double, binary, and arrays and structs of
 * supported types.
 */
final class SparkParquetSchemas {
  /** The footer key under which Spark stores its schema JSON, read back for exact types. */
  static final String SPARK_ROW_METADATA_KEY = "org.apache.spark.sql.parquet.row.metadata";

  /** The message name Spark gives its Parquet schemas. */
  static final String MESSAGE_NAME = "spark_schema";

  private static final String SUPPORTED =
      "string, int, bigint, boolean, double, binary, array and struct of those";

  private SparkParquetSchemas() {}

  /**
   * Returns the Parquet schema Spark writes for {@code schema}.
   *
   * @throws IllegalArgumentException if the schema is empty, has duplicate names, or has a column
   *     of an unsupported type
   */
  static MessageType toParquet(StructType schema) {
    checkArgument(schema.fields().length > 0, "Cannot write a table with no columns: %s", schema);
    return new MessageType(MESSAGE_NAME, convertFields("", schema));
  }

  private static List<Type> convertFields(String prefix, StructType struct) {
    List<Type> fields = new ArrayList<>(struct.fields().length);
    Set<String> names = new HashSet<>();
    for (StructField field : struct.fields()) {
      String path = prefix + field.name();
      checkArgument(names.add(field.name()), "Cannot write schema with duplicate column %s", path);
      fields.add(convert(path, field.name(), field.dataType(), field.nullable()));
    }
    return fields;
  }

  private static Type convert(String path, String name, DataType type, boolean nullable) {
    Repetition repetition = nullable ? Repetition.OPTIONAL : Repetition.REQUIRED;
    if (type instanceof ArrayType array) {
      Type element =
          convert(path + ".element", "element", array.elementType(), array.containsNull());
      return Types.buildGroup(repetition)
          .as(LogicalTypeAnnotation.listType())
          .addField(Types.repeatedGroup().addField(element).named("list"))
          .named(name);
    } else if (type instanceof StructType struct) {
      return Types.buildGroup(repetition)
          .addFields(convertFields(path + ".", struct).toArray(Type[]::new))
          .named(name);
    } else if (type instanceof StringType) {
      return Types.primitive(PrimitiveTypeName.BINARY, repetition)
          .as(LogicalTypeAnnotation.stringType())
          .named(name);
    } else if (type instanceof BinaryType) {
      return Types.primitive(PrimitiveTypeName.BINARY, repetition).named(name);
    } else if (type instanceof IntegerType) {
      return Types.primitive(PrimitiveTypeName.INT32, repetition).named(name);
    } else if (type instanceof LongType) {
      return Types.primitive(PrimitiveTypeName.INT64, repetition).named(name);
    } else if (type instanceof BooleanType) {
      return Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
    } else if (type instanceof DoubleType) {
      return Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
    }
    throw new IllegalArgumentException(
        String.format(
            "Cannot write column %s of type %s: supported types are %s",
            path, type.simpleString(), SUPPORTED));
  }
}
