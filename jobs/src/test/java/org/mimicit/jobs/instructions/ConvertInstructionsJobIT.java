package org.mimicit.jobs.instructions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.testing.SparkTestBase;
import org.mimicit.jobs.ingest.IngestConfig;

class ConvertInstructionsJobIT extends SparkTestBase {
  @TempDir Path tmp;

  private void write(String task, String json) throws IOException {
    Path dir = tmp.resolve("in").resolve(task);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(task + "_instructions.json"), json, StandardCharsets.UTF_8);
  }

  private IngestConfig config(String... tasks) {
    return new IngestConfig(
        tmp.resolve("in").toString(), tmp.resolve("wh").toString(), Set.of(tasks), 0.5);
  }

  @Test
  void writesInstructionsWithExactTextAndRejectsBadRecords() throws IOException {
    write(
        "DC",
        "{\"data\": {\"DC_INS_00001\": {\"instruction\": \"这是什么？\", \"answer\": \"سيارة 🚗"
            + " \\\"x\\\"\\n"
            + "\\t\\\\\", \"image_ids\": [\"DC_IMG_v_N1c3C_Npr-E_0000\"], \"rel_ins_ids\":"
            + " [\"DC_INS_00002\"], \"lang\": \"zh\"},\"DC_INS_00002\": {\"instruction\": \"Who?\","
            + " \"answer\": \"A horse.\", \"image_ids\": [], \"rel_ins_ids\": []},\"DC_INS_00003\":"
            + " {\"instruction\": \"No answer\", \"image_ids\": []},\"DC_INS_00002\":"
            + " {\"instruction\": \"Who rides?\", \"answer\": \"A police officer.\", \"image_ids\":"
            + " [], \"rel_ins_ids\": []}}, \"meta\": {\"version\": \"0.0.1\"}}");
    var result = ConvertInstructionsJob.run(spark, config());

    List<Row> rows =
        spark
            .read()
            .parquet(tmp.resolve("wh/instructions").toString())
            .orderBy("ins_id")
            .collectAsList();
    assertThat(rows)
        .extracting(r -> r.<String>getAs("ins_id"))
        .containsExactly("DC_INS_00001", "DC_INS_00002");
    Row first = rows.get(0);
    assertThat(first.<String>getAs("instruction")).isEqualTo("这是什么？");
    assertThat(first.<String>getAs("answer")).isEqualTo("سيارة 🚗 \"x\"\n\t\\");
    assertThat(first.getList(first.fieldIndex("image_ids")))
        .containsExactly("DC_IMG_v_N1c3C_Npr-E_0000");
    assertThat(first.getList(first.fieldIndex("rel_ins_ids"))).containsExactly("DC_INS_00002");
    assertThat(first.<String>getAs("extra_json")).isEqualTo("{\"lang\":\"zh\"}");
    assertThat(first.<String>getAs("task")).isEqualTo("DC");
    assertThat(rows.get(1).<String>getAs("answer")).isEqualTo("A police officer.");
    assertThat(spark.read().parquet(tmp.resolve("wh/instructions").toString()).columns())
        .containsExactly(
            "ins_id",
            "instruction",
            "answer",
            "image_ids",
            "rel_ins_ids",
            "extra_json",
            "source",
            "task");

    List<String> rejected =
        spark
            .read()
            .parquet(tmp.resolve("wh/rejected/instructions").toString())
            .collectAsList()
            .stream()
            .map(r -> r.getAs("id") + "/" + r.getAs("reason") + "/" + r.getAs("detail"))
            .sorted()
            .collect(Collectors.toList());
    assertThat(rejected).hasSize(2);
    assertThat(rejected.get(0)).startsWith("DC_INS_00002/duplicate_id/id occurs again at byte ");
    assertThat(rejected.get(1)).isEqualTo("DC_INS_00003/missing_field/missing field 'answer'");
    assertThat(result.rowsIn()).isEqualTo(4);
    assertThat(Path.of(tmp.toString(), "wh", "_stats", "convert-instructions.json")).exists();
  }

  /**
   * Where the file system has an output committer of its own (the S3A ones on s3a://; here the
   * manifest committer bound to file://), the ingest writes through it: the second write after the
   * duplicate pass, a re-run replacing its partitions, the rejects, no leftovers.
   */
  @Test
  void writesThroughTheFileSystemsOwnCommitter() throws IOException {
    String factory = "mapreduce.outputcommitter.factory.scheme.file";
    String reports = "mapreduce.manifest.committer.summary.report.directory";
    spark
        .conf()
        .set(
            factory,
            "org.apache.hadoop.mapreduce.lib.output.committer.manifest.ManifestCommitterFactory");
    spark.conf().set(reports, tmp.resolve("reports").toUri().toString());
    try {
      write(
          "SD",
          "{\"data\": {\"SD_INS_1\": {\"instruction\": \"a\", \"answer\": \"b\", \"image_ids\": [],"
              + " \"rel_ins_ids\": []},\"SD_INS_2\": {\"instruction\": \"c\", \"image_ids\":"
              + " []},\"SD_INS_3\": {\"instruction\": \"d\", \"answer\": \"e\", \"image_ids\": [],"
              + " \"rel_ins_ids\": []},\"SD_INS_4\": {\"instruction\": \"f\", \"answer\": \"g\","
              + " \"image_ids\": [], \"rel_ins_ids\": []},\"SD_INS_1\": {\"instruction\": \"a2\","
              + " \"answer\": \"b2\", \"image_ids\": [], \"rel_ins_ids\": []}}}");
      ConvertInstructionsJob.run(spark, config());
      ConvertInstructionsJob.run(spark, config("SD"));
    } finally {
      spark.conf().unset(factory);
      spark.conf().unset(reports);
    }
    assertThat(spark.read().parquet(tmp.resolve("wh/instructions").toString()).collectAsList())
        .extracting(r -> r.<String>getAs("ins_id") + "=" + r.<String>getAs("answer"))
        .containsExactlyInAnyOrder("SD_INS_1=b2", "SD_INS_3=e", "SD_INS_4=g");
    assertThat(
            spark
                .read()
                .parquet(tmp.resolve("wh/rejected/instructions").toString())
                .collectAsList())
        .extracting(r -> r.<String>getAs("id") + "/" + r.<String>getAs("reason"))
        .containsExactlyInAnyOrder("SD_INS_1/duplicate_id", "SD_INS_2/missing_field");
    // two runs, each committed by the manifest committer (a report per job commit); the first
    // write of each run, made before the duplicates were known, was aborted and never published
    List<Boolean> jobs = new java.util.ArrayList<>();
    try (var files = Files.list(tmp.resolve("reports"))) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("summary-")).toList()) {
        jobs.add(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(f.toFile())
                .get("success")
                .asBoolean());
      }
    }
    assertThat(jobs)
        .as("job summaries: committed or aborted")
        .containsExactlyInAnyOrder(true, true, false, false);
    try (var files = Files.list(tmp.resolve("wh"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("instructions", "rejected", "_stats");
    }
  }
}
