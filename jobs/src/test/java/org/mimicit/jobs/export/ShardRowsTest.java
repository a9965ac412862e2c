package org.mimicit.jobs.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.testing.SparkTestBase;

class ShardRowsTest extends SparkTestBase {
  private static final StructType INSTRUCTIONS =
      InstructionSchema.SCHEMA.add("task", DataTypes.StringType, false);
  private static final StructType PLAN =
      new StructType()
          .add("task", DataTypes.StringType)
          .add("lang", DataTypes.StringType)
          .add("ins_id", DataTypes.StringType)
          .add("complete", DataTypes.BooleanType)
          .add("image_refs", DataTypes.IntegerType)
          .add("shard", DataTypes.IntegerType)
          .add("ordinal", DataTypes.LongType);
  private static final StructType IMAGES =
      new StructType()
          .add("task", DataTypes.StringType)
          .add("image_id", DataTypes.StringType)
          .add("format", DataTypes.StringType)
          .add("bytes", DataTypes.BinaryType);
  private static final StructType LOCATION =
      new StructType()
          .add("pos", DataTypes.IntegerType)
          .add("image_id", DataTypes.StringType)
          .add("format", DataTypes.StringType)
          .add("file", DataTypes.StringType)
          .add("offset", DataTypes.LongType)
          .add("length", DataTypes.IntegerType);
  private static final StructType LISTS =
      new StructType()
          .add("task", DataTypes.StringType)
          .add("ins_id", DataTypes.StringType)
          .add("located", DataTypes.createArrayType(LOCATION));

  private Dataset<Row> examples() {
    Dataset<Row> instructions =
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    "A", "q A", "a A", new String[] {"i2", "i1"}, new String[0], null, "s", "LA"),
                RowFactory.create(
                    "B", "q B", "a B", new String[] {"gone"}, new String[0], null, "s", "LA")),
            INSTRUCTIONS);
    return ExampleTable.examples(ExampleTable.source(instructions, null), null, List.of("en"));
  }

  private Dataset<Row> plan() {
    return spark.createDataFrame(
        List.of(
            RowFactory.create("LA", "en", "A", true, 2, 0, 0L),
            RowFactory.create("LA", "en", "B", false, 1, null, null)),
        PLAN);
  }

  @Test
  void joinsTheImageBytesOfTheCompleteExamplesAsRowsAfterTheirText() {
    Dataset<Row> images =
        spark.createDataFrame(
            List.of(
                RowFactory.create("LA", "i1", "png", new byte[] {1}),
                RowFactory.create("LA", "i2", "jpeg", new byte[] {2, 2})),
            IMAGES);

    List<String> rows = new ArrayList<>();
    for (Row r :
        ShardRows.of(plan(), examples(), images, null, true)
            .orderBy("task", "shard", "ordinal", "pos")
            .collectAsList()) {
      rows.add(
          String.join(
              " ",
              r.getString(0),
              String.valueOf(r.getInt(1)),
              String.valueOf(r.getLong(2)),
              r.getString(3),
              r.getString(4),
              String.valueOf(r.getString(5)),
              String.valueOf(r.getString(8)),
              r.isNullAt(10) ? "-" : String.valueOf(r.<byte[]>getAs(10).length),
              String.valueOf(r.getInt(11))));
    }

    assertThat(rows)
        .containsExactly(
            "LA 0 0 A en q A null - -1", "LA 0 0 A en null i2 2 0", "LA 0 0 A en null i1 1 1");
  }

  @Test
  void givesEachCompleteExampleOneRowWithItsImageLocations() {
    Dataset<Row> lists =
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    "LA",
                    "A",
                    List.of(
                        RowFactory.create(0, "i2", "jpeg", "file:/f", 10L, 2),
                        RowFactory.create(1, "i1", "png", "file:/f", 4L, 1)))),
            LISTS);

    List<Row> rows = ShardRows.of(plan(), examples(), null, lists, false).collectAsList();

    assertThat(rows).hasSize(1);
    Row r = rows.get(0);
    assertThat(r.getString(3)).isEqualTo("A");
    assertThat(r.getString(5)).isEqualTo("q A");
    assertThat(r.<Row>getList(8).stream().map(l -> l.getString(1) + "@" + l.getLong(4)))
        .containsExactly("i2@10", "i1@4");
    assertThat(r.getInt(9)).isEqualTo(-1);
  }
}
