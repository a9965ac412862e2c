package org.mimicit.jobs.incontext;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.testing.SparkTestBase;

class JoinInContextJobTest extends SparkTestBase {
  private static final StructType INSTRUCTIONS = InstructionSchema.SCHEMA
      .add("task", DataTypes.StringType, false);

  private static Row ins(String task, String id, List<String> images, List<String> rel) {
    return RowFactory.create(id, "q " + id, "a " + id, images.toArray(new String[0]),
        rel.toArray(new String[0]), null, "src", task);
  }

  private Dataset<Row> instructions() {
    List<Row> rows = List.of(
        ins("LA", "A", List.of("i1"), List.of("B", "A", "X", "C", "B")), // self, dangling, repeat
        ins("LA", "B", List.of("i2"), List.of()),
        ins("LA", "C", List.of("gone"), List.of("A")),
        ins("SD", "S", List.of("i1"), List.of("A", "Y")));             // cross-task relation
    return spark.createDataFrame(rows, INSTRUCTIONS);
  }

  private Dataset<Row> images() {
    return spark.createDataFrame(List.of(RowFactory.create("i1"), RowFactory.create("i2")),
        new StructType().add("image_id", DataTypes.StringType));
  }

  private Map<String, String> contexts(Set<String> tasks, int max) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : JoinInContextJob.contexts(instructions(), images(), null, tasks, max).collectAsList()) {
      List<Row> context = r.getList(r.fieldIndex("context"));
      out.put(r.<String>getAs("task") + "/" + r.getAs("ins_id"),
          r.getList(r.fieldIndex("context_ins_ids")) + " missing=" + r.getList(r.fieldIndex("missing_ins_ids"))
              + " images=" + r.getList(r.fieldIndex("missing_image_ids"))
              + " first=" + (context.isEmpty() ? "-" : context.get(0).getString(1) + "|"
                  + context.get(0).getString(2) + "|" + context.get(0).getList(3)));
    }
    return out;
  }

  @Test
  void keepsOrderDropsSelfAndRepeatsAndReportsWhatIsMissing() {
    assertThat(contexts(Set.of(), Integer.MAX_VALUE)).containsExactly(
        Map.entry("LA/A", "[B, C] missing=[X] images=[gone] first=q B|a B|[i2]"),
        Map.entry("LA/B", "[] missing=[] images=[] first=-"),
        Map.entry("LA/C", "[A] missing=[] images=[gone] first=q A|a A|[i1]"),
        Map.entry("SD/S", "[A] missing=[Y] images=[] first=q A|a A|[i1]"));
  }

  @Test
  void aTrainConfigReplacesTheRelationsOfItsTasksOnly() {
    Dataset<Row> train = spark.createDataFrame(List.of(
            RowFactory.create("LA", "A", new String[] {"C", "S", "Z"}),   // cross-task, dangling
            RowFactory.create("LA", "UNKNOWN", new String[] {"A"})),      // no such instruction
        new StructType().add("task", DataTypes.StringType).add("ins_id", DataTypes.StringType)
            .add("rel_ins_ids", DataTypes.createArrayType(DataTypes.StringType)));
    Map<String, String> out = new TreeMap<>();
    for (Row r : JoinInContextJob.contexts(instructions(), images(), train, Set.of(),
        Integer.MAX_VALUE).collectAsList()) {
      out.put(r.getAs("task") + "/" + r.getAs("ins_id"), r.getList(r.fieldIndex("context_ins_ids"))
          + " missing=" + r.getList(r.fieldIndex("missing_ins_ids")));
    }
    assertThat(out).containsExactly(
        Map.entry("LA/A", "[C, S] missing=[Z]"),
        Map.entry("LA/B", "[] missing=[]"),
        Map.entry("LA/C", "[] missing=[]"),          // left out of the train config: no context
        Map.entry("SD/S", "[A] missing=[Y]"));      // SD has no train config: rel_ins_ids
  }

  @Test
  void cutsTheContextToMaxContextAndJoinsOnlyTheTasksAsked() {
    assertThat(contexts(Set.of("LA"), 1)).containsExactly(
        Map.entry("LA/A", "[B] missing=[X] images=[] first=q B|a B|[i2]"),
        Map.entry("LA/B", "[] missing=[] images=[] first=-"),
        Map.entry("LA/C", "[A] missing=[] images=[gone] first=q A|a A|[i1]"));
    assertThat(Arrays.asList(JoinInContextJob.contexts(instructions(), images(), null, Set.of(), 0)
        .columns())).containsExactly("ins_id", "context_ins_ids", "missing_ins_ids",
            "missing_image_ids", "context", "task");
  }
}
