package org.mimicit.jobs.incontext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.testing.SparkTestBase;

class JoinInContextJobIT extends SparkTestBase {
  @TempDir Path tmp;

  private static Row ins(String task, String id, String image, String... rel) {
    return RowFactory.create(id, "q", "a", new String[] {image}, rel, null, "src", task);
  }

  @Test
  void writesTheRelationsInUseAsTrainConfigsThatReadBackTheSame() throws Exception {
    String wh = tmp.resolve("wh").toString();
    spark
        .createDataFrame(
            List.of(
                ins("LA", "A", "i1", "B", "A", "C"),
                ins("LA", "B", "i1"),
                ins("LA", "C", "i2", "Z"),
                ins("SD", "S", "i9", "A")),
            InstructionSchema.SCHEMA.add("task", DataTypes.StringType))
        .write()
        .partitionBy("task")
        .parquet(wh + "/instructions");
    spark
        .createDataFrame(
            List.of(RowFactory.create("i1"), RowFactory.create("i2")),
            new StructType().add("image_id", DataTypes.StringType))
        .write()
        .parquet(wh + "/images");
    String configs = tmp.resolve("configs").toString();

    JoinInContextJob.run(
        spark,
        new JoinInContextConfig(wh, Set.of(), Integer.MAX_VALUE, null, Relations.REL, 0, configs));

    assertThat(Files.readString(Path.of(configs, "LA_train.json")))
        .isEqualTo("{\"A\":[\"B\",\"C\"],\"B\":[],\"C\":[]}");
    assertThat(Files.readString(Path.of(configs, "SD_train.json"))).isEqualTo("{\"S\":[\"A\"]}");
    assertThat(Files.readString(Path.of(wh, "_stats", "join-incontext.json")))
        .contains(
            "\"dangling_relations\" : 1",
            "\"instructions_with_missing_images\" : 1",
            "\"self_references\" : 1",
            "\"unknown_train_ids\" : 0");
    List<Row> before = spark.read().parquet(wh + "/incontext").orderBy("ins_id").collectAsList();

    // the written configs, read back as --train-config, give the same contexts (only LA joined);
    // a bad record of a train config goes to rejected/train
    Files.writeString(
        Path.of(configs, "LA_train.json"),
        Files.readString(Path.of(configs, "LA_train.json")).replace("}", ",\"D\":\"oops\"}"));
    // a bad record in the train config of a task that is not joined: its rejects are replaced,
    // its contexts stay as they were
    Files.writeString(
        Path.of(configs, "SD_train.json"),
        Files.readString(Path.of(configs, "SD_train.json")).replace("}", ",\"T\":7}"));
    JoinInContextJob.run(
        spark,
        new JoinInContextConfig(
            wh, Set.of("LA"), Integer.MAX_VALUE, configs, Relations.REL, 0, null));
    List<Row> after = spark.read().parquet(wh + "/incontext").orderBy("ins_id").collectAsList();
    assertThat(after.stream().map(r -> r.getAs("ins_id") + "=" + r.getList(1)).toList())
        .containsExactly("A=[B, C]", "B=[]", "C=[]", "S=[A]");
    assertThat(before.size()).isEqualTo(after.size());
    assertThat(spark.read().parquet(wh + "/rejected/train").collectAsList())
        .extracting(r -> r.getAs("task") + "/" + r.getAs("id") + ":" + r.getAs("reason"))
        .containsExactlyInAnyOrder("LA/D:invalid_field", "SD/T:invalid_field");
  }

  @Test
  void failsWhenItCannotLookForATrainFileInsteadOfFallingBackToRelInsIds() {
    String wh = tmp.resolve("wh").toString();
    // made from an input on a file system this run has no client for (as s3a:// is for a run
    // without hadoop-aws): whether LA_train.json exists there cannot be known
    spark
        .createDataFrame(
            List.of(
                RowFactory.create(
                    "A",
                    "q",
                    "a",
                    new String[] {"i1"},
                    new String[] {"B"},
                    null,
                    "nosuchfs://bucket/LA/LA_instructions.json",
                    "LA")),
            InstructionSchema.SCHEMA.add("task", DataTypes.StringType))
        .write()
        .partitionBy("task")
        .parquet(wh + "/instructions");

    assertThatThrownBy(() -> JoinInContextJob.run(spark, JoinInContextConfig.defaults(wh)))
        .isInstanceOf(MimicitException.class)
        .hasMessageStartingWith(
            "Cannot look for the train file of task LA at nosuchfs://bucket/LA/LA_train.json: No"
                + " FileSystem for scheme \"nosuchfs\"")
        .hasMessageEndingWith(". Fix access to it, or name the relations with --train-config.");
    assertThat(Path.of(wh, "incontext")).doesNotExist();
    assertThat(Path.of(wh, "_stats", "join-incontext.json")).doesNotExist();
  }
}
