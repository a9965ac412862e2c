package org.mimicit.common.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.execution.datasources.parquet.SparkToParquetSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SparkParquetSchemasTest {
  private static final StructType OBJECT =
      new StructType()
          .add("label", DataTypes.StringType, false)
          .add("index", DataTypes.IntegerType, true)
          .add("area", DataTypes.LongType, true)
          .add("crowd", DataTypes.BooleanType, false)
          .add("score", DataTypes.DoubleType, true)
          .add("mask", DataTypes.BinaryType, true);
  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.LongType, false)
          .add("caption", DataTypes.StringType, true)
          .add("width", DataTypes.IntegerType, false)
          .add("flagged", DataTypes.BooleanType, true)
          .add("score", DataTypes.DoubleType, true)
          .add("tags", DataTypes.createArrayType(DataTypes.StringType, true), true)
          .add("keywords", DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add("objects", DataTypes.createArrayType(OBJECT, true), true)
          .add("bytes", DataTypes.BinaryType, false);

  @Test
  void convertsLikeSparkItself() {
    MessageType spark = new SparkToParquetSchemaConverter(new SQLConf()).convert(SCHEMA);

    assertThat(SparkParquetSchemas.toParquet(SCHEMA)).isEqualTo(spark);
  }

  @Test
  void writesStandardThreeLevelLists() {
    StructType schema =
        new StructType()
            .add("tags", DataTypes.createArrayType(DataTypes.StringType, true), true)
            .add(
                "boxes",
                DataTypes.createArrayType(
                    new StructType().add("x", DataTypes.IntegerType, false), false),
                false);

    assertThat(SparkParquetSchemas.toParquet(schema))
        .isEqualTo(
            MessageTypeParser.parseMessageType(
                "message spark_schema {\n"
                    + "  optional group tags (LIST) {\n"
                    + "    repeated group list {\n"
                    + "      optional binary element (STRING);\n"
                    + "    }\n"
                    + "  }\n"
                    + "  required group boxes (LIST) {\n"
                    + "    repeated group list {\n"
                    + "      required group element {\n"
                    + "        required int32 x;\n"
                    + "      }\n"
                    + "    }\n"
                    + "  }\n"
                    + "}"));
  }

  @Test
  void rejectsUnsupportedTypesNamingTheColumn() {
    StructType schema =
        new StructType()
            .add(
                "objects",
                DataTypes.createArrayType(
                    new StructType().add("when", DataTypes.TimestampType, true), true),
                true);

    assertThatThrownBy(() -> SparkParquetSchemas.toParquet(schema))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot write column objects.element.when of type timestamp: "
                + "supported types are "
                + "string, int, bigint, boolean, double, binary, array and struct of those");
  }

  @Test
  void rejectsEmptyAndDuplicateColumns() {
    assertThatThrownBy(() -> SparkParquetSchemas.toParquet(new StructType()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot write a table with no columns: StructType()");
    StructType duplicate =
        new StructType().add("id", DataTypes.LongType).add("id", DataTypes.StringType);
    assertThatThrownBy(() -> SparkParquetSchemas.toParquet(duplicate))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot write schema with duplicate column id");
  }
}
