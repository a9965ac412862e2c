package org.mimicit.jobs.generation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.api.ApiSettings;
import org.mimicit.common.api.BatchSettings;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.testing.FakeBatchServer;
import org.mimicit.common.testing.FakeChatServer;
import org.mimicit.common.testing.FakeChatServer.Call;
import org.mimicit.common.testing.FakeChatServer.Fault;
import org.mimicit.common.testing.SparkTestBase;
import org.mimicit.common.warehouse.Partitions;
import org.mimicit.jobs.apistage.ApiLimits;

/**
 * generate-instructions against the loopback server: reply styles, faults, ids, rejects, re-runs.
 */
class GenerateInstructionsJobIT extends SparkTestBase {
  static final String LINES = "A dog runs across a beach. It jumps to catch a ball.";
  static final String SHORT_LABELS = "A woman paints a fence. She steps back to look at it.";
  static final String JSON = "Two boys ride bicycles down a hill.";
  static final String NEVER = "A cat sleeps on a windowsill.";

  /** The rows generated from the annotations of {@link #writeAnnotations}. */
  static final List<String> EXPECTED =
      List.of(
          "DC_INS_00008 Where does the dog run? | Across a beach. | [] | [DC_INS_00009] | v_a",
          "DC_INS_00009 What does it jump for? | To catch a ball. | [] | [DC_INS_00008] | v_a",
          "DC_INS_00010 What is the woman painting? | A fence. | [DC_IMG_b_0000, DC_IMG_b_0001]"
              + " | [DC_INS_00011] | v_b",
          "DC_INS_00011 What does she do next? | She steps back\n"
              + "to look at her work. | [DC_IMG_b_0000, DC_IMG_b_0001] | [DC_INS_00010] | v_b",
          "DC_INS_00012 Who rides down the hill? | Two boys on bicycles. | [DC_IMG_c_0000] |"
              + " [DC_INS_00013] | v_c",
          "DC_INS_00013 Are they going up or down? | Down the hill. | [DC_IMG_c_0000] |"
              + " [DC_INS_00012] | v_c");

  @TempDir Path tmp;

  static String reply(String query) {
    return switch (query) {
      case LINES ->
          "Here you go.\n\n"
              + "1. **Question:** Where does the dog run?\n"
              + "**Answer:** Across a beach.\n\n"
              + "2. **Question:** What does it jump for?\n"
              + "**Answer:** To catch a ball.";
      case SHORT_LABELS ->
          "Q: What is the woman painting?\nA: A fence.\n\nQ: What does she do next?\n"
              + "A: She steps back\nto look at her work.";
      case JSON ->
          "{\"pairs\": [{\"question\": \"Who rides down the hill?\", \"answer\": \"Two boys on"
              + " bicycles.\"}, {\"question\": \"Are they going up or down?\", \"answer\": \"Down"
              + " the hill.\"}]}";
      default -> "I'm sorry, but I cannot write questions about this.";
    };
  }

  static GenerateInstructionsConfig config(Path tmp, String base, List<String> cacheFrom) {
    ApiSettings api =
        new ApiSettings(
            ApiSettings.OPENAI,
            base,
            "sk-test",
            null,
            null,
            "test-model",
            0.7,
            false,
            1024,
            Duration.ofSeconds(5),
            4,
            Duration.ofMillis(20),
            Duration.ofMillis(200));
    Path prompts =
        Path.of(System.getProperty("user.dir"))
            .getParent()
            .resolve("conf/prompts/dense_captions.json");
    return new GenerateInstructionsConfig(
        tmp.resolve("annotations.jsonl").toString(),
        prompts.toString(),
        "DC",
        tmp.resolve("wh").toString(),
        api,
        new ApiLimits(0, 0, 2),
        cacheFrom,
        false,
        0,
        0.9,
        30);
  }

  static void writeExisting(Path tmp) {
    StructType schema = InstructionSchema.SCHEMA.add(Partitions.TASK, "string");
    spark
        .createDataFrame(
            List.of(
                RowFactory.create(
                    "DC_INS_00001",
                    "Q1?",
                    "A1.",
                    new String[] {"DC_IMG_1"},
                    new String[0],
                    null,
                    "rel",
                    "DC"),
                RowFactory.create(
                    "DC_INS_00007",
                    "Q7?",
                    "A7.",
                    new String[] {"DC_IMG_1"},
                    new String[0],
                    "{\"note\":\"kept\"}",
                    "rel",
                    "DC")),
            schema)
        .write()
        .partitionBy(Partitions.TASK)
        .parquet(tmp.resolve("wh/instructions").toString());
  }

  static void writeAnnotations(Path tmp) throws java.io.IOException {
    Files.write(
        tmp.resolve("annotations.jsonl"),
        List.of(
            "{\"id\": \"v_b\", \"sentences\": \""
                + SHORT_LABELS
                + "\", \"image_ids\": [\"DC_IMG_b_0000\", \"DC_IMG_b_0001\"]}",
            "{\"id\": \"v_a\", \"sentences\": \"" + LINES + "\"}",
            "{\"id\": \"v_c\", \"sentences\": \""
                + JSON
                + "\", \"image_ids\": [\"DC_IMG_c_0000\"]}",
            "{\"id\": \"v_d\", \"sentences\": \"" + NEVER + "\"}",
            "{\"id\": \"v_e\"}",
            "{\"id\": \"v_f\", \"sentences\": \"First.\"}",
            "{\"id\": \"v_f\", \"sentences\": \"Second.\"}"));
  }

  @Test
  void generatesThroughTheBatchApiAsOnline() throws Exception {
    writeExisting(tmp);
    writeAnnotations(tmp);
    try (FakeBatchServer server = new FakeBatchServer()) {
      server.generationReply(GenerateInstructionsJobIT::reply).errorLines(id -> !id.contains("."));
      GenerateInstructionsConfig online = config(tmp, server.base(), List.of());
      GenerateInstructionsConfig config =
          new GenerateInstructionsConfig(
              online.annotations(),
              online.prompts(),
              online.task(),
              online.warehouse(),
              online.api(),
              online.limits(),
              List.of(),
              false,
              0,
              0.9,
              30,
              new BatchSettings(
                  "batch",
                  2,
                  BatchSettings.API_MAX_BYTES,
                  "24h",
                  "batch",
                  Duration.ofMillis(30),
                  Duration.ofMillis(60),
                  -1));
      GenerateInstructionsJob.Result result = GenerateInstructionsJob.run(spark, config);

      assertThat(generated()).containsExactlyElementsOf(EXPECTED);
      assertThat(result.pairs()).isEqualTo(6);
      assertThat(result.rejected()).isEqualTo(4);
      assertThat(
              spark
                  .read()
                  .parquet(tmp.resolve("wh/rejected/generation").toString())
                  .where("reason = 'api_failed'")
                  .selectExpr("id || ' ' || detail")
                  .as(Encoders.STRING())
                  .collectAsList())
          .containsExactly(
              "v_d no question-answer pair in the reply: I'm sorry, but I cannot write questions"
                  + " about this. (after 4 batch attempt(s))");
      // 4 first tries, all error lines; 4 second tries; v_d twice more, then given up
      assertThat(server.submitted()).doesNotHaveDuplicates().hasSize(4 + 4 + 1 + 1);
    }
  }

  @Test
  void generatesFromEveryReplyStyleThroughFaultsWithDeterministicIds() throws Exception {
    writeExisting(tmp);
    writeAnnotations(tmp);
    try (FakeChatServer server = new FakeChatServer()) {
      server
          .generationReply(GenerateInstructionsJobIT::reply)
          .faultAt(1, Fault.RATE_LIMITED)
          .faultAt(2, Fault.SERVER_ERROR)
          .faultAt(3, Fault.NOT_JSON_CONTENT);
      GenerateInstructionsJob.Result result =
          GenerateInstructionsJob.run(spark, config(tmp, server.base(), List.of()));

      List<String> expected = EXPECTED;
      assertThat(generated()).containsExactlyElementsOf(expected);
      assertThat(
              spark
                  .read()
                  .parquet(tmp.resolve("wh/instructions").toString())
                  .where("ins_id in ('DC_INS_00001', 'DC_INS_00007')")
                  .count())
          .isEqualTo(2); // the task's own rows are kept
      assertThat(result.pairs()).isEqualTo(6);
      assertThat(result.rejected()).isEqualTo(4);
      assertThat(
              spark
                  .read()
                  .parquet(tmp.resolve("wh/rejected/generation").toString())
                  .orderBy("id", "reason")
                  .selectExpr("id || ' ' || reason || ' ' || detail")
                  .as(Encoders.STRING())
                  .collectAsList())
          .containsExactly(
              "v_d api_failed no question-answer pair in the reply: I'm sorry, but I cannot write"
                  + " questions about this. (after 4 attempts)",
              "v_e missing_field an annotation needs a non-empty \"id\" and \"sentences\"",
              "v_f duplicate_id the annotation id occurs 2 times; none of them is used",
              "v_f duplicate_id the annotation id occurs 2 times; none of them is used");
      List<Call> calls = server.calls();
      assertThat(calls).allSatisfy(c -> assertThat(c.maxTokens()).isEqualTo(1024));
      // four attempts for the annotation that never gets pairs (a 429 on it costs no attempt)
      assertThat(calls.stream().filter(c -> c.query().equals(NEVER) && c.status() != 429))
          .hasSize(4);

      // again: the same ids, and only the failed annotation is asked
      server.clearCalls();
      GenerateInstructionsJob.run(spark, config(tmp, server.base(), List.of()));
      assertThat(generated()).containsExactlyElementsOf(expected);
      assertThat(server.calls()).extracting(Call::query).containsOnly(NEVER);
    }
  }

  @Test
  void aDryRunCountsTheRequestsAndSendsNothing() throws Exception {
    Files.write(
        tmp.resolve("annotations.jsonl"),
        List.of(
            "{\"id\": \"v_a\", \"sentences\": \"" + LINES + "\"}",
            "{\"id\": \"v_b\", \"sentences\": \"" + JSON + "\"}"));
    try (FakeChatServer server = new FakeChatServer()) {
      GenerateInstructionsConfig c = config(tmp, server.base(), List.of());
      GenerateInstructionsJob.Result result =
          GenerateInstructionsJob.run(
              spark,
              new GenerateInstructionsConfig(
                  c.annotations(),
                  c.prompts(),
                  c.task(),
                  c.warehouse(),
                  c.api(),
                  c.limits(),
                  c.cacheFrom(),
                  true,
                  0.01,
                  c.maxRejectRatio(),
                  30));
      assertThat(result.dryRun())
          .startsWith(
              "generate-instructions --dry-run: 2 annotation(s) to ask for, one request each;")
          .contains("Nothing was sent");
      assertThat(server.calls()).isEmpty();
      assertThat(tmp.resolve("wh/instructions")).doesNotExist();

      // the same annotations as Parquet, with image ids and one more record
      String parquet = tmp.resolve("annotations.parquet").toString();
      spark
          .read()
          .json(c.annotations())
          .selectExpr("id", "sentences", "array('DC_IMG_1') as image_ids")
          .union(
              spark.sql(
                  "select 'v_z' as id, 'A horse trots.' as sentences, array('DC_IMG_2') as"
                      + " image_ids"))
          .write()
          .parquet(parquet);
      GenerateInstructionsJob.Result fromParquet =
          GenerateInstructionsJob.run(
              spark,
              new GenerateInstructionsConfig(
                  parquet,
                  c.prompts(),
                  c.task(),
                  c.warehouse(),
                  c.api(),
                  c.limits(),
                  c.cacheFrom(),
                  true,
                  0.01,
                  c.maxRejectRatio(),
                  30));
      assertThat(fromParquet.dryRun())
          .startsWith("generate-instructions --dry-run: 3 annotation(s) to ask for");
      assertThat(server.calls()).isEmpty();
    }
  }

  private List<String> generated() {
    return spark
        .read()
        .parquet(tmp.resolve("wh/instructions").toString())
        .where("get_json_object(extra_json, '$.generated_by') = 'generate-instructions'")
        .orderBy("ins_id")
        .collectAsList()
        .stream()
        .map(GenerateInstructionsJobIT::describe)
        .toList();
  }

  private static String describe(Row r) {
    return r.getAs("ins_id")
        + " "
        + r.getAs("instruction")
        + " | "
        + r.getAs("answer")
        + " | "
        + r.getList(r.fieldIndex("image_ids"))
        + " | "
        + r.getList(r.fieldIndex("rel_ins_ids"))
        + " | "
        + r.<String>getAs("extra_json").replaceAll(".*\"annotation_id\":\"([^\"]+)\".*", "$1");
  }
}
