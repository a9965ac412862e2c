package org.mimicit.common.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.testing.SparkTestBase;

class MimicitInstructionsSourceTest extends SparkTestBase {
  @TempDir Path dir;

  private void write(String task, String json) throws IOException {
    Path folder = dir.resolve(task);
    Files.createDirectories(folder);
    Files.writeString(folder.resolve(task + "_instructions.json"), json, StandardCharsets.UTF_8);
  }

  private List<Row> read() {
    return spark
        .read()
        .format("mimicit-instructions")
        .load(dir.toString())
        .orderBy("source_offset")
        .collectAsList();
  }

  private List<String> rows(long maxPartitionBytes) {
    spark.conf().set("spark.sql.files.maxPartitionBytes", String.valueOf(maxPartitionBytes));
    try {
      return read().stream().map(Row::toString).sorted().collect(Collectors.toList());
    } finally {
      spark.conf().unset("spark.sql.files.maxPartitionBytes");
    }
  }

  @Test
  void readsRecordsWithUnicodeTextAndEscapesExactly() throws IOException {
    write(
        "DC",
        "{\"meta\": {\"version\": \"0.0.1\", \"time\": \"2023-06\", \"author\": \"ntu\"}, \"data\":"
            + " {\"DC_INS_00001\": {\"instruction\": \"他在做什么？ \\u00e9 \\\"quoted\\\" \\\\ \\n"
            + " \\ud83d\\ude00\", \"answer\": \"مرحبا بالعالم — 🐴 日本語\", \"image_ids\":"
            + " [\"DC_IMG_v_N1c3C_Npr-E_0000\", \"DC_IMG_v_N1c3C_Npr-E_0001\"], \"rel_ins_ids\": "
            + "[\"DC_INS_00002\"]}}}");
    List<Row> rows = read();
    assertThat(rows).hasSize(1);
    Row r = rows.get(0);
    assertThat(r.<String>getAs("task")).isEqualTo("DC");
    assertThat(r.<String>getAs("ins_id")).isEqualTo("DC_INS_00001");
    assertThat(r.<String>getAs("instruction")).isEqualTo("他在做什么？ é \"quoted\" \\ \n 😀");
    assertThat(r.<String>getAs("answer")).isEqualTo("مرحبا بالعالم — 🐴 日本語");
    assertThat(r.getList(r.fieldIndex("image_ids")))
        .containsExactly("DC_IMG_v_N1c3C_Npr-E_0000", "DC_IMG_v_N1c3C_Npr-E_0001");
    assertThat(r.getList(r.fieldIndex("rel_ins_ids"))).containsExactly("DC_INS_00002");
    assertThat(r.<String>getAs("extra_json")).isNull();
    assertThat(r.<String>getAs("reason")).isNull();
  }

  @Test
  void keepsUnknownFieldsAsJsonAndReadsMetaAfterData() throws IOException {
    write(
        "LA",
        "{\"data\": {\"LA_INS_1\": {\"instruction\": \"q\", \"answer\": \"a\", \"image_ids\": [],"
            + " \"rel_ins_ids\": [], \"source\": {\"coco\": [1, 2], \"note\": \"x\"}, \"score\":"
            + " 0.5}}, \"meta\": {\"version\": \"1\"}}");
    Row r = read().get(0);
    assertThat(r.<String>getAs("extra_json"))
        .isEqualTo("{\"source\":{\"coco\":[1,2],\"note\":\"x\"},\"score\":0.5}");
    assertThat(r.getList(r.fieldIndex("image_ids"))).isEmpty();
  }

  @Test
  void rejectsMissingAndMistypedFieldsWithReasons() throws IOException {
    write(
        "LA",
        "{\"data\": {"
            + "\"A\": {\"instruction\": \"q\", \"image_ids\": []},"
            + "\"B\": {\"instruction\": 3, \"answer\": \"a\", \"image_ids\": []},"
            + "\"C\": {\"instruction\": \"q\", \"answer\": \"a\", \"image_ids\": [\"x\", 7]},"
            + "\"D\": \"not a record\","
            + "\"E\": {\"instruction\": \"q\", \"answer\": null, \"image_ids\": []},"
            + "\"F\": {\"instruction\": \"q\", \"answer\": \"a\", \"image_ids\": [\"i\"]}}}");
    List<Row> rows = read();
    assertThat(rows)
        .extracting(r -> r.getAs("ins_id") + ":" + r.getAs("reason") + ":" + r.getAs("detail"))
        .containsExactly(
            "A:missing_field:missing field 'answer'",
            "B:invalid_field:field 'instruction' is a number, expected a string",
            "C:invalid_field:field 'image_ids' has a number at index 1, expected strings",
            "D:invalid_field:record is a string, expected an object",
            "E:missing_field:missing field 'answer'",
            "F:null:null");
    assertThat(rows.get(5).getList(rows.get(5).fieldIndex("rel_ins_ids"))).isEmpty();
  }

  @Test
  void anySplitSizeGivesTheSameRowsEvenWithNestedObjectsAndTrickyText() throws IOException {
    StringBuilder json = new StringBuilder("{\"meta\": {\"data\": {\"x\": {}}}, \"data\": {\n");
    for (int i = 0; i < 80; i++) {
      json.append(i == 0 ? "" : ",\n")
          .append("\"LA_INS_")
          .append(String.format("%05d", i))
          .append("\": {\"instruction\": \"say \\\"LA_INS_9\\\": {\\\"instruction\\\": 1} ")
          .append("}{ \\\\\", \"answer\": \"ans ")
          .append(i)
          .append(" 日本\", ")
          .append("\"image_ids\": [\"LA_IMG_")
          .append(i)
          .append("\"], ")
          .append("\"nested\": {\"LA_INS_X\": {\"instruction\": \"inner\"}}, ")
          .append("\"rel_ins_ids\": [\"LA_INS_00001\"]}");
    }
    json.append("\n}, \"meta2\": {\"k\": {\"v\": 1}}}");
    write("LA", json.toString());
    List<String> whole = rows(128L << 20);
    assertThat(whole).hasSize(80);
    assertThat(whole).allMatch(r -> !r.contains("_field") && !r.contains("malformed"));
    for (long split : new long[] {1, 13, 256, 1000, 4096}) {
      assertThat(rows(split)).as("split size %s", split).isEqualTo(whole);
    }
  }

  @Test
  void splitsOfWholeMebibytesUseThePrefetchedIndexAndGiveTheSameRows() throws IOException {
    StringBuilder json = new StringBuilder("{\"data\": {");
    String text = "word \\\" {\\\"LA_INS_1\\\": {}} ".repeat(20);
    for (int i = 0; i < 5000; i++) {
      json.append(i == 0 ? "" : ",")
          .append("\"LA_INS_")
          .append(i)
          .append("\": {\"instruction\": \"")
          .append(text)
          .append(i)
          .append("\", \"answer\": \"a\", \"image_ids\": [\"x\"], ")
          .append("\"extra\": {\"LA_INS_0\": {\"n\": [1, {\"k\": \"v\"}]}}}");
    }
    write("LA", json.append("}, \"meta\": {}}").toString());
    assertThat(Files.size(dir.resolve("LA/LA_instructions.json"))).isGreaterThan(3L << 20);
    MimicitInstructionsSource.prefetchIndex(dir.toString(), java.util.Set.of());
    List<String> oneMib = rows(1L << 20);
    assertThat(oneMib).hasSize(5000);
    assertThat(rows(2L << 20)).isEqualTo(oneMib);
    assertThat(rows(1_000_003)).isEqualTo(oneMib);
    assertThat(rows(128L << 20)).isEqualTo(oneMib);
  }

  @Test
  void reportsATruncatedFileAsMalformedAndKeepsTheRecordsBefore() throws IOException {
    write(
        "LA",
        "{\"data\": {\"A\": {\"instruction\": \"q\", \"answer\": \"a\", \"image_ids\": []},"
            + " \"B\": {\"instruction\": \"q\", \"ans");
    List<Row> rows = read();
    assertThat(rows)
        .extracting(r -> r.getAs("ins_id") + ":" + r.getAs("reason"))
        .containsExactly("A:null", "B:malformed_json");
    assertThat(rows.get(1).<String>getAs("detail")).contains("(in record \"B\")");
  }

  @Test
  void prunedReadOfIdsSkipsRecordValues() throws IOException {
    write(
        "LA",
        "{\"data\": {\"A\": {\"instruction\": \"q\", \"answer\": \"a\", \"image_ids\": []},"
            + " \"B\": 42, \"A\": {\"instruction\": \"q2\"}}}");
    List<Row> rows =
        spark
            .read()
            .format("mimicit-instructions")
            .load(dir.toString())
            .select("task", "ins_id", "source_offset")
            .orderBy("source_offset")
            .collectAsList();
    assertThat(rows)
        .extracting(r -> r.getString(0) + "/" + r.getString(1) + "@" + r.getLong(2))
        .containsExactly("LA/A@10", "LA/B@69", "LA/A@78");
  }

  @Test
  void readsTrainFilesWithTheTaskFromTheFileName() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("configs"));
    Files.writeString(
        folder.resolve("LA_train.json"),
        "{\"A\": [\"B\", \"C\"], \"B\": []," + " \"C\": \"oops\", \"D\": [\"x\", 1]}");
    Files.writeString(folder.resolve("SD_train.json"), "{\"S\": [\"A\"]}");
    List<String> rows =
        spark
            .read()
            .format("mimicit-train")
            .load(folder.toString())
            .orderBy("task", "source_offset")
            .collectAsList()
            .stream()
            .map(
                r ->
                    r.getAs("task")
                        + "/"
                        + r.getAs("ins_id")
                        + "="
                        + (r.isNullAt(2) ? "null" : r.getList(2))
                        + ":"
                        + r.getAs("reason"))
            .collect(Collectors.toList());
    assertThat(rows)
        .containsExactly(
            "LA/A=[B, C]:null",
            "LA/B=[]:null",
            "LA/C=null:invalid_field",
            "LA/D=null:invalid_field",
            "SD/S=[A]:null");
  }

  @Test
  void failsWithoutADataObject() throws IOException {
    write("LA", "{\"meta\": {}}");
    assertThatThrownBy(() -> read())
        .hasMessageContaining("Cannot read instructions from")
        .hasMessageContaining("missing field 'data'");
  }
}
