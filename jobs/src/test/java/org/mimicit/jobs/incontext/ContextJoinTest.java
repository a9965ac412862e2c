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

class ContextJoinTest extends SparkTestBase {
  private static final StructType INSTRUCTIONS =
      InstructionSchema.SCHEMA.add("task", DataTypes.StringType, false);

  private static Row ins(String task, String id, List<String> images, List<String> rel) {
    return RowFactory.create(
        id,
        "q " + id,
        "a " + id,
        images.toArray(new String[0]),
        rel.toArray(new String[0]),
        null,
        "src",
        task);
  }

  private Dataset<Row> instructions() {
    List<Row> rows =
        List.of(
            ins(
                "LA",
                "A",
                List.of("i1"),
                List.of("B", "A", "X", "C", "B")), // self, dangling, repeat
            ins("LA", "B", List.of("i2"), List.of()),
            ins("LA", "C", List.of("gone"), List.of("A")),
            ins("SD", "S", List.of("i1"), List.of("A", "Y"))); // cross-task relation
    return spark.createDataFrame(rows, INSTRUCTIONS);
  }

  private Dataset<Row> images() {
    return spark.createDataFrame(
        List.of(RowFactory.create("i1"), RowFactory.create("i2")),
        new StructType().add("image_id", DataTypes.StringType));
  }

  private Map<String, String> contexts(Set<String> tasks, int max) {
    Map<String, String> out = new TreeMap<>();
    for (Row r :
        ContextJoin.contexts(instructions(), images(), null, tasks, max, Relations.REL, 0)
            .collectAsList()) {
      out.put(
          r.<String>getAs("task") + "/" + r.getAs("ins_id"),
          r.getList(r.fieldIndex("context_ins_ids"))
              + " missing="
              + r.getList(r.fieldIndex("missing_ins_ids"))
              + " images="
              + r.getList(r.fieldIndex("missing_image_ids")));
    }
    return out;
  }

  @Test
  void keepsOrderDropsSelfAndRepeatsAndReportsWhatIsMissing() {
    assertThat(contexts(Set.of(), Integer.MAX_VALUE))
        .containsExactly(
            Map.entry("LA/A", "[B, C] missing=[X] images=[gone]"),
            Map.entry("LA/B", "[] missing=[] images=[]"),
            Map.entry("LA/C", "[A] missing=[] images=[gone]"),
            Map.entry("SD/S", "[A] missing=[Y] images=[]"));
  }

  @Test
  void aTrainConfigReplacesTheRelationsOfItsTasksOnly() {
    Dataset<Row> train =
        spark.createDataFrame(
            List.of(
                RowFactory.create("LA", "A", new String[] {"C", "S", "Z"}), // cross-task, dangling
                RowFactory.create("LA", "UNKNOWN", new String[] {"A"})), // no such instruction
            new StructType()
                .add("task", DataTypes.StringType)
                .add("ins_id", DataTypes.StringType)
                .add("rel_ins_ids", DataTypes.createArrayType(DataTypes.StringType)));
    Map<String, String> out = new TreeMap<>();
    for (Row r :
        ContextJoin.contexts(
                instructions(), images(), train, Set.of(), Integer.MAX_VALUE, Relations.REL, 0)
            .collectAsList()) {
      out.put(
          r.getAs("task") + "/" + r.getAs("ins_id"),
          r.getList(r.fieldIndex("context_ins_ids"))
              + " missing="
              + r.getList(r.fieldIndex("missing_ins_ids")));
    }
    assertThat(out)
        .containsExactly(
            Map.entry("LA/A", "[C, S] missing=[Z]"),
            Map.entry("LA/B", "[] missing=[]"),
            Map.entry("LA/C", "[] missing=[]"), // left out of the train config: no context
            Map.entry("SD/S", "[A] missing=[Y]")); // SD has no train config: rel_ins_ids
  }

  private Map<String, List<Object>> policy(List<Row> rows, Relations policy, int max, long seed) {
    Map<String, List<Object>> out = new TreeMap<>();
    for (Row r :
        ContextJoin.contexts(
                spark.createDataFrame(rows, INSTRUCTIONS),
                images(),
                null,
                Set.of(),
                max,
                policy,
                seed)
            .collectAsList()) {
      out.put(r.getAs("ins_id"), r.getList(r.fieldIndex("context_ins_ids")));
    }
    return out;
  }

  @Test
  void sameImagesRelatesInstructionsOfTheTaskThatShareAnImage() {
    List<Row> rows =
        List.of(
            ins("LA", "P1", List.of("x", "y"), List.of("P3")),
            ins("LA", "P2", List.of("y", "y"), List.of()),
            ins("LA", "P3", List.of("z"), List.of()),
            ins("LA", "P4", List.of("x"), List.of()),
            ins("SD", "Q1", List.of("x"), List.of()));
    assertThat(policy(rows, Relations.SAME_IMAGES, Integer.MAX_VALUE, 0))
        .containsExactly(
            Map.entry("P1", List.of("P2", "P4")),
            Map.entry("P2", List.of("P1")),
            Map.entry("P3", List.of()),
            Map.entry("P4", List.of("P1")),
            Map.entry("Q1", List.of()));
  }

  @Test
  void randomDrawsKOthersOfTheSameTaskTheSameWayForTheSameSeed() {
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      rows.add(ins(i < 10 ? "LA" : "SD", "R" + i, List.of(), List.of()));
    }
    Map<String, List<Object>> first = policy(rows, Relations.RANDOM, 3, 42);
    assertThat(first).hasSize(12);
    first.forEach(
        (id, context) -> {
          boolean la = Integer.parseInt(id.substring(1)) < 10;
          assertThat(context)
              .as(id)
              .hasSize(la ? 3 : 1)
              .doesNotHaveDuplicates()
              .doesNotContain(id)
              .allMatch(other -> (Integer.parseInt(((String) other).substring(1)) < 10) == la);
        });
    assertThat(policy(rows, Relations.RANDOM, 3, 42)).isEqualTo(first);
    assertThat(policy(rows, Relations.RANDOM, 3, 7)).isNotEqualTo(first);
    assertThat(policy(rows, Relations.RANDOM, Integer.MAX_VALUE, 42).get("R0"))
        .hasSize(ContextJoin.DEFAULT_K);
  }

  @Test
  void sameImagesTakesTheKThatFollowEachInstructionOnAnImageSharedByMany() {
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      rows.add(ins("LA", "F" + (char) ('a' + i), List.of("frame"), List.of()));
    }
    rows.add(ins("LA", "Fz", List.of("other"), List.of()));
    Map<String, List<Object>> out = policy(rows, Relations.SAME_IMAGES, 3, 0);
    assertThat(out.get("Fa")).containsExactly("Fb", "Fc", "Fd");
    assertThat(out.get("Fk")).containsExactly("Fa", "Fb", "Fl"); // wraps around, in id order
    assertThat(out.get("Fl")).containsExactly("Fa", "Fb", "Fc");
    assertThat(out.get("Fz")).isEmpty();
    // every instruction of the frame is named by exactly 3 others: 12 x 3 pairs, not 12 x 11
    Map<Object, Long> named = new TreeMap<>();
    out.values().forEach(ids -> ids.forEach(id -> named.merge(id, 1L, Long::sum)));
    assertThat(named).hasSize(12).allSatisfy((id, n) -> assertThat(n).isEqualTo(3L));
  }

  @Test
  void randomShufflesInBucketsAndRelatesEachToItsSuccessorsThere() {
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(ins("LA", "R" + i, List.of(), List.of()));
    }
    Dataset<Row> wanted = spark.createDataFrame(rows, INSTRUCTIONS);
    Map<String, List<Object>> out = new TreeMap<>();
    Relations.random(wanted, 3, 42, 8)
        .collectAsList()
        .forEach(r -> out.put(r.getAs("ins_id"), r.getList(r.fieldIndex("rel_ins_ids"))));
    assertThat(out).hasSize(40);
    // 5 buckets of about 8: each instruction names 3 others, and is named 3 times
    Map<Object, Long> named = new TreeMap<>();
    out.forEach(
        (id, ids) -> {
          assertThat(ids).as(id).hasSize(3).doesNotHaveDuplicates().doesNotContain(id);
          ids.forEach(other -> named.merge(other, 1L, Long::sum));
        });
    assertThat(named).hasSize(40).allSatisfy((id, n) -> assertThat(n).isEqualTo(3L));
    Map<String, List<Object>> again = new TreeMap<>();
    Relations.random(wanted, 3, 42, 8)
        .collectAsList()
        .forEach(r -> again.put(r.getAs("ins_id"), r.getList(r.fieldIndex("rel_ins_ids"))));
    assertThat(again).isEqualTo(out);
  }

  @Test
  void namesTheValidPolicies() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Relations.parse("nearest"))
        .hasMessage(
            "Cannot set --policy to nearest, the value must be one of rel, same-images, random.");
    assertThat(Relations.parse("same-images")).isEqualTo(Relations.SAME_IMAGES);
  }

  @Test
  void cutsTheContextToMaxContextAndJoinsOnlyTheTasksAsked() {
    assertThat(contexts(Set.of("LA"), 1))
        .containsExactly(
            Map.entry("LA/A", "[B] missing=[X] images=[]"),
            Map.entry("LA/B", "[] missing=[] images=[]"),
            Map.entry("LA/C", "[A] missing=[] images=[gone]"));
    assertThat(
            Arrays.asList(
                ContextJoin.contexts(instructions(), images(), null, Set.of(), 0, Relations.REL, 0)
                    .columns()))
        .containsExactly(
            "ins_id", "context_ins_ids", "missing_ins_ids", "missing_image_ids", "task");
  }
}
