package org.mimicit.common.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.testing.SparkTestBase;
import org.mimicit.common.testing.TestImages;

class MimicitImagesSourceTest extends SparkTestBase {
  @TempDir Path dir;

  private static final byte[] PNG = TestImages.image("png", 37, 23, 1);
  private static final byte[] JPEG = TestImages.image("jpeg", 64, 48, 2);
  private static final byte[] GIF = TestImages.image("gif", 5, 7, 3);

  private Path writeTask(String task, String name, String json) throws IOException {
    Path folder = dir.resolve(task);
    Files.createDirectories(folder);
    Path file = folder.resolve(name);
    Files.writeString(file, json, StandardCharsets.UTF_8);
    return file;
  }

  private static String b64(byte[] data) {
    return Base64.getEncoder().encodeToString(data);
  }

  private List<String> rows(String path, long maxPartitionBytes) {
    spark.conf().set("spark.sql.files.maxPartitionBytes", String.valueOf(maxPartitionBytes));
    try {
      Dataset<Row> df = spark.read().format("mimicit-images").load(path);
      return df.collectAsList().stream()
          .map(
              r ->
                  r.getAs("task")
                      + "|"
                      + r.getAs("image_id")
                      + "|"
                      + r.getAs("format")
                      + "|"
                      + r.getAs("width")
                      + "x"
                      + r.getAs("height")
                      + "|"
                      + r.getAs("sha256")
                      + "|"
                      + (r.getAs("bytes") == null ? "-" : ((byte[]) r.getAs("bytes")).length)
                      + "|"
                      + r.getAs("source_offset")
                      + "|"
                      + r.getAs("reason"))
          .sorted()
          .collect(Collectors.toList());
    } finally {
      spark.conf().unset("spark.sql.files.maxPartitionBytes");
    }
  }

  @Test
  void readsImagesWithFormatSizeAndSha256() throws IOException {
    writeTask(
        "LA",
        "LA.json",
        "{\"LA_IMG_a\": \""
            + b64(PNG)
            + "\", \"LA_IMG_b\":\""
            + b64(JPEG)
            + "\",\n \"LA_IMG_c\" : \""
            + b64(GIF)
            + "\"}");
    Dataset<Row> df = spark.read().format("mimicit-images").load(dir.toString());
    List<Row> rows = df.orderBy("image_id").collectAsList();
    assertThat(rows).hasSize(3);
    Row a = rows.get(0);
    assertThat(a.<String>getAs("task")).isEqualTo("LA");
    assertThat(a.<String>getAs("image_id")).isEqualTo("LA_IMG_a");
    assertThat(a.<String>getAs("format")).isEqualTo("png");
    assertThat(a.<Integer>getAs("width")).isEqualTo(37);
    assertThat(a.<Integer>getAs("height")).isEqualTo(23);
    assertThat(a.<String>getAs("sha256")).isEqualTo(TestImages.sha256(PNG));
    assertThat(a.<byte[]>getAs("bytes")).isEqualTo(PNG);
    assertThat(a.<Long>getAs("source_offset")).isEqualTo(1L);
    assertThat(a.<String>getAs("reason")).isNull();
    assertThat(rows.get(1).<String>getAs("format")).isEqualTo("jpeg");
    assertThat(rows.get(1).<Integer>getAs("width")).isEqualTo(64);
    assertThat(rows.get(2).<String>getAs("format")).isEqualTo("gif");
    assertThat(rows.get(2).<Integer>getAs("height")).isEqualTo(7);
  }

  @Test
  void decodesMimeLineBreaksEscapedSlashesAndMissingPadding() throws IOException {
    String plain = b64(JPEG);
    StringBuilder mime = new StringBuilder();
    for (int i = 0; i < plain.length(); i += 76) {
      mime.append(plain, i, Math.min(plain.length(), i + 76))
          .append(i % 152 == 0 ? "\\n" : "\\r\\n");
    }
    String slashes = b64(PNG).replace("/", "\\/");
    String unpadded = b64(GIF).replace("=", "");
    writeTask(
        "T",
        "T.json",
        "{\"m\": \"" + mime + "\", \"s\": \"" + slashes + "\", \"u\": \"" + unpadded + "\"}");
    List<Row> rows =
        spark
            .read()
            .format("mimicit-images")
            .load(dir.toString())
            .orderBy("image_id")
            .collectAsList();
    assertThat(rows).extracting(r -> r.<String>getAs("image_id")).containsExactly("m", "s", "u");
    assertThat(rows.get(0).<byte[]>getAs("bytes")).isEqualTo(JPEG);
    assertThat(rows.get(1).<byte[]>getAs("bytes")).isEqualTo(PNG);
    assertThat(rows.get(2).<byte[]>getAs("bytes")).isEqualTo(GIF);
    assertThat(unpadded).doesNotEndWith("=");
  }

  @Test
  void rejectsInvalidBase64AndBytesThatAreNotImages() throws IOException {
    writeTask(
        "LA",
        "LA.json",
        "{\"bad64\": \"not*base64!\", \"text\": \""
            + b64("hello, world".getBytes(StandardCharsets.UTF_8))
            + "\", \"num\": 42, "
            + "\"trunc\": \""
            + b64(java.util.Arrays.copyOf(PNG, 12))
            + "\", \"odd\": \"QUJDR\", "
            + "\"ok\": \""
            + b64(PNG)
            + "\"}");
    List<Row> rows =
        spark
            .read()
            .format("mimicit-images")
            .load(dir.toString())
            .orderBy("source_offset")
            .collectAsList();
    assertThat(rows)
        .extracting(r -> r.getAs("image_id") + ":" + r.getAs("reason"))
        .containsExactly(
            "bad64:invalid_base64",
            "text:not_an_image",
            "num:invalid_base64",
            "trunc:not_an_image",
            "odd:invalid_base64",
            "ok:null");
    assertThat(rows.get(0).<String>getAs("detail"))
        .isEqualTo("invalid base64 character '*' at byte 14");
    assertThat(rows.get(1).<String>getAs("detail"))
        .isEqualTo("not an image: first bytes 68 65 6c 6c 6f 2c 20 77");
    assertThat(rows.get(2).<String>getAs("detail"))
        .isEqualTo("value is a number, expected a base64 string");
    assertThat(rows.get(3).<String>getAs("detail"))
        .isEqualTo("truncated PNG: header needs 24 bytes, got 12");
    assertThat(rows.get(4).<String>getAs("detail"))
        .isEqualTo("base64 text ends with a single character over a multiple of 4");
    assertThat(rows.get(0).<byte[]>getAs("bytes")).isNull();
  }

  @Test
  void anySplitSizeGivesTheSameRows() throws IOException {
    StringBuilder json = new StringBuilder("{\n");
    for (int i = 0; i < 60; i++) {
      byte[] img = TestImages.image(i % 2 == 0 ? "png" : "jpeg", 10 + i, 12, i);
      json.append(i == 0 ? "" : ",\n")
          .append("  \"DC_IMG_v_N1c3C_Npr-E_")
          .append(String.format("%04d", i))
          .append("\": \"")
          .append(i == 7 ? "###" : b64(img))
          .append('"');
    }
    json.append("\n}\n");
    writeTask("DC", "DC.json", json.toString());
    writeTask("DC", "DC_part2.json", "{\"DC_IMG_x\": \"" + b64(PNG) + "\"}");
    writeTask("DC", "DC_instructions.json", "{\"meta\": {}, \"data\": {}}");
    List<String> whole = rows(dir.toString(), 128L << 20);
    assertThat(whole).hasSize(61);
    assertThat(whole).filteredOn(r -> r.endsWith("invalid_base64")).hasSize(1);
    for (long split : new long[] {97, 1024, 4093}) {
      assertThat(rows(dir.toString(), split)).as("split size %s", split).isEqualTo(whole);
    }
  }

  @Test
  void readsABase64ValueOfOver20MillionCharactersInAnySplit() throws IOException {
    // A real PNG followed by 15.75 MB of trailing data: 21,000,000+ base64 characters in one value.
    byte[] big = java.util.Arrays.copyOf(PNG, PNG.length + 15_750_000);
    for (int i = PNG.length; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    String value = b64(big);
    assertThat(value.length()).isGreaterThan(21_000_000);
    writeTask(
        "E4D",
        "E4D.json",
        "{\"small\": \""
            + b64(GIF)
            + "\", \"E4D_IMG_big_00000001\": \""
            + value
            + "\", \"last\": \""
            + b64(JPEG)
            + "\"}");
    String bigRow =
        "E4D|E4D_IMG_big_00000001|png|37x23|" + TestImages.sha256(big) + "|" + big.length + "|";
    List<String> whole = rows(dir.toString(), 128L << 20);
    assertThat(whole).hasSize(3).anyMatch(r -> r.startsWith(bigRow));
    assertThat(rows(dir.toString(), 4L << 20)).isEqualTo(whole);
  }

  @Test
  void oneByteSplitsGiveTheSameRows() throws IOException {
    writeTask(
        "LA",
        "LA.json",
        "{\"a\": \"" + b64(GIF) + "\",\"b\":\"" + b64(GIF) + "\" ,\n\"c\" : \"x\"}");
    List<String> whole = rows(dir.toString(), 128L << 20);
    assertThat(whole).hasSize(3);
    assertThat(rows(dir.toString(), 1)).isEqualTo(whole);
  }

  @Test
  void keepsEveryOccurrenceOfADuplicateIdForTheJobToResolve() throws IOException {
    writeTask("SD", "SD.json", "{\"x\": \"" + b64(PNG) + "\", \"x\": \"" + b64(GIF) + "\"}");
    List<Row> rows =
        spark
            .read()
            .format("mimicit-images")
            .load(dir.toString())
            .orderBy("source_offset")
            .collectAsList();
    assertThat(rows).extracting(r -> r.<String>getAs("format")).containsExactly("png", "gif");
  }

  @Test
  void reportsBrokenJsonAndResumesAtTheNextRecord() throws IOException {
    writeTask(
        "LA",
        "LA.json",
        "{\"a\": \""
            + b64(PNG)
            + "\" \"b\": \""
            + b64(GIF)
            + "\", \"c\" "
            + "\""
            + b64(PNG)
            + "\", \"d\": \""
            + b64(JPEG)
            + "\"}");
    List<String> rows = new ArrayList<>();
    List<Row> read =
        spark
            .read()
            .format("mimicit-images")
            .load(dir.toString())
            .orderBy("source_offset")
            .collectAsList();
    for (Row r : read) {
      rows.add(r.getAs("image_id") + ":" + r.getAs("reason"));
    }
    assertThat(rows)
        .containsExactly("a:null", "null:malformed_json", "b:null", "c:malformed_json", "d:null");
    int afterA = 7 + b64(PNG).length() + 2;
    assertThat(read.get(1).<String>getAs("detail"))
        .isEqualTo(
            "expected ',' or '}' but found '\"' at byte "
                + afterA
                + " after record \"a\"; reading resumes at the next record");
    assertThat(read.get(3).<String>getAs("detail"))
        .endsWith(" in record \"c\"; reading resumes at the next record");
  }

  @Test
  void failsOnAFileThatIsNotAJsonObject() throws IOException {
    writeTask("LA", "LA.json", "[1, 2, 3]");
    assertThatThrownBy(() -> spark.read().format("mimicit-images").load(dir.toString()).count())
        .hasStackTraceContaining("Cannot read images from")
        .hasStackTraceContaining(
            "expected a JSON object '{' at the start of the file but found '['");
  }

  @Test
  void prunedReadSkipsDecodingButKeepsIdsAndOffsets() throws IOException {
    writeTask("LA", "LA.json", "{\"a\": \"" + b64(PNG) + "\", \"b\": \"!!!\"}");
    List<Row> rows =
        spark
            .read()
            .format("mimicit-images")
            .load(dir.toString())
            .select("image_id", "source_offset")
            .orderBy("source_offset")
            .collectAsList();
    assertThat(rows).extracting(r -> r.getString(0)).containsExactly("a", "b");
  }

  @Test
  void dropMalformedModeSkipsBadRecords() throws IOException {
    writeTask("LA", "LA.json", "{\"a\": \"" + b64(PNG) + "\", \"b\": \"!!!\"}");
    Dataset<Row> df =
        spark.read().format("mimicit-images").option("mode", "DROPMALFORMED").load(dir.toString());
    assertThat(df.columns()).doesNotContain("reason", "detail");
    assertThat(df.collectAsList())
        .extracting(r -> r.<String>getAs("image_id"))
        .containsExactly("a");
  }

  @Test
  void selectsTasksAndNamesUnknownOnes() throws IOException {
    writeTask("LA", "LA.json", "{\"a\": \"" + b64(PNG) + "\"}");
    writeTask("SD", "SD.json", "{\"b\": \"" + b64(PNG) + "\"}");
    assertThat(
            spark
                .read()
                .format("mimicit-images")
                .option("tasks", "SD")
                .load(dir.toString())
                .collectAsList())
        .extracting(r -> r.<String>getAs("task"))
        .containsExactly("SD");
    assertThatThrownBy(
            () ->
                spark
                    .read()
                    .format("mimicit-images")
                    .option("tasks", "XX")
                    .load(dir.toString())
                    .count())
        .hasMessageContaining(
            "Cannot find task(s) XX under " + dir + ": the tasks there are [LA, SD].");
  }
}
