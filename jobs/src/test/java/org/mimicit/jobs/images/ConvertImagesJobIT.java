package org.mimicit.jobs.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.testing.SparkTestBase;
import org.mimicit.common.testing.TestImages;
import org.mimicit.jobs.ingest.IngestConfig;

class ConvertImagesJobIT extends SparkTestBase {
  @TempDir Path tmp;
  private Path input;
  private String warehouse;

  private static final byte[] PNG = TestImages.image("png", 37, 23, 1);
  private static final byte[] JPEG = TestImages.image("jpeg", 64, 48, 2);
  private static final byte[] GIF = TestImages.image("gif", 5, 7, 3);

  @BeforeEach
  void layout() {
    input = tmp.resolve("in");
    warehouse = tmp.resolve("wh").toString();
  }

  private void write(String task, String name, String json) throws IOException {
    Files.createDirectories(input.resolve(task));
    Files.writeString(input.resolve(task).resolve(name), json, StandardCharsets.UTF_8);
  }

  private static String b64(byte[] data) {
    return Base64.getEncoder().encodeToString(data);
  }

  private IngestConfig config(String... tasks) {
    return new IngestConfig(input.toString(), warehouse, Set.of(tasks), 0.5);
  }

  private List<String> images() {
    return spark.read().parquet(warehouse + "/images").collectAsList().stream()
        .map(
            r ->
                r.getAs("task")
                    + "/"
                    + r.getAs("image_id")
                    + "/"
                    + r.getAs("format")
                    + "/"
                    + r.getAs("width")
                    + "x"
                    + r.getAs("height")
                    + "/"
                    + r.getAs("sha256"))
        .sorted()
        .collect(Collectors.toList());
  }

  private List<String> rejected() {
    return spark.read().parquet(warehouse + "/rejected/images").collectAsList().stream()
        .map(r -> r.getAs("task") + "/" + r.getAs("id") + "/" + r.getAs("reason"))
        .sorted()
        .collect(Collectors.toList());
  }

  @Test
  void writesImagesAndRejectedRowsWithStats() throws IOException {
    write(
        "LA",
        "LA.json",
        "{\"LA_IMG_a\": \""
            + b64(PNG)
            + "\", \"LA_IMG_bad\": \"**\", "
            + "\"LA_IMG_txt\": \""
            + b64("just text".getBytes(StandardCharsets.UTF_8))
            + "\"}");
    write(
        "SD",
        "SD_general.json",
        "{\"SD_IMG_00001_1\": \""
            + b64(JPEG)
            + "\", "
            + "\"SD_IMG_00001_2\": \""
            + b64(PNG)
            + "\"}");
    write("SD", "SD_subtle.json", "{\"SD_IMG_00001_2\": \"" + b64(GIF) + "\"}");
    write("SD", "SD_instructions.json", "{\"meta\": {}, \"data\": {}}");

    var result = ConvertImagesJob.run(spark, config());

    assertThat(images())
        .containsExactly(
            "LA/LA_IMG_a/png/37x23/" + TestImages.sha256(PNG),
            "SD/SD_IMG_00001_1/jpeg/64x48/" + TestImages.sha256(JPEG),
            "SD/SD_IMG_00001_2/gif/5x7/" + TestImages.sha256(GIF));
    assertThat(rejected())
        .containsExactly(
            "LA/LA_IMG_bad/invalid_base64",
            "LA/LA_IMG_txt/not_an_image",
            "SD/SD_IMG_00001_2/duplicate_id");
    Row dup =
        spark
            .read()
            .parquet(warehouse + "/rejected/images")
            .where("reason = 'duplicate_id'")
            .first();
    assertThat(dup.<String>getAs("detail"))
        .startsWith("id occurs again at byte 1 of ")
        .endsWith("SD_subtle.json; the last occurrence wins");
    assertThat(dup.<String>getAs("source")).endsWith("SD_general.json");
    assertThat(spark.read().parquet(warehouse + "/images").columns())
        .containsExactly(
            "image_id", "format", "width", "height", "sha256", "source", "bytes", "task");
    assertThat(
            spark
                .read()
                .parquet(warehouse + "/images")
                .where("image_id = 'LA_IMG_a'")
                .first()
                .<byte[]>getAs("bytes"))
        .isEqualTo(PNG);

    assertThat(result.rowsIn()).isEqualTo(6);
    assertThat(result.rowsOut()).isEqualTo(3);
    JsonNode stats =
        new ObjectMapper().readTree(Path.of(warehouse, "_stats", "convert-images.json").toFile());
    assertThat(stats.get("job").asText()).isEqualTo("convert-images");
    assertThat(stats.get("rows_in").asLong()).isEqualTo(6);
    assertThat(stats.get("rows_out").asLong()).isEqualTo(3);
    assertThat(stats.get("rejected").toString())
        .isEqualTo("{\"duplicate_id\":1,\"invalid_base64\":1,\"not_an_image\":1}");
    assertThat(stats.at("/tasks/SD/rows_in").asLong()).isEqualTo(3);
    assertThat(stats.at("/tasks/LA/rejected/not_an_image").asLong()).isEqualTo(1);
    assertThat(stats.get("duration_ms").asLong()).isPositive();
    assertThat(Path.of(warehouse, "_staging")).doesNotExist();
  }

  @Test
  void storesImageBytesUncompressedWithoutDictionaryAndOtherColumnsCompressed() throws IOException {
    write("LA", "LA.json", "{\"a\": \"" + b64(PNG) + "\", \"b\": \"" + b64(JPEG) + "\"}");
    ConvertImagesJob.run(spark, config());
    Path file;
    try (Stream<Path> files = Files.walk(Path.of(warehouse, "images"))) {
      file = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    ParquetMetadata footer;
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toString()), new Configuration()))) {
      footer = reader.getFooter();
    }
    for (ColumnChunkMetaData column : footer.getBlocks().get(0).getColumns()) {
      String name = column.getPath().toDotString();
      if (name.equals("bytes")) {
        assertThat(column.getCodec()).isEqualTo(CompressionCodecName.UNCOMPRESSED);
        assertThat(column.getEncodings())
            .doesNotContain(Encoding.PLAIN_DICTIONARY, Encoding.RLE_DICTIONARY);
      } else {
        assertThat(column.getCodec()).as(name).isEqualTo(CompressionCodecName.SNAPPY);
      }
    }
  }

  @Test
  void rerunForOneTaskReplacesOnlyThatTask() throws IOException {
    write("LA", "LA.json", "{\"LA_IMG_a\": \"" + b64(PNG) + "\", \"LA_IMG_bad\": \"**\"}");
    write("SD", "SD.json", "{\"SD_IMG_1\": \"" + b64(JPEG) + "\"}");
    ConvertImagesJob.run(spark, config());

    write("LA", "LA.json", "{\"LA_IMG_new\": \"" + b64(GIF) + "\"}");
    write("SD", "SD.json", "{\"SD_IMG_changed\": \"" + b64(GIF) + "\"}");
    ConvertImagesJob.run(spark, config("LA"));

    assertThat(images())
        .containsExactly(
            "LA/LA_IMG_new/gif/5x7/" + TestImages.sha256(GIF),
            "SD/SD_IMG_1/jpeg/64x48/" + TestImages.sha256(JPEG));
    assertThat(Path.of(warehouse, "rejected", "images", "task=LA")).doesNotExist();
  }

  @Test
  void aFailedRunLeavesThePreviousOutputIntact() throws IOException {
    write("LA", "LA.json", "{\"LA_IMG_a\": \"" + b64(PNG) + "\"}");
    ConvertImagesJob.run(spark, config());
    List<String> before = images();

    write("LA", "LA.json", "{\"x\": \"**\", \"y\": \"**\", \"z\": \"" + b64(PNG) + "\"}");
    assertThatThrownBy(() -> ConvertImagesJob.run(spark, config()))
        .isInstanceOf(MimicitException.class)
        .hasMessage(
            "Cannot commit images: 2 of 3 records (66.7%) were rejected {invalid_base64=2}, more"
                + " than --max-reject-ratio 0.5 allows. Nothing was written; fix the input or raise"
                + " the ratio.");
    assertThat(images()).isEqualTo(before);

    write("LA", "LA.json", "[\"not an object\"]");
    assertThatThrownBy(() -> ConvertImagesJob.run(spark, config()))
        .hasStackTraceContaining(
            "expected a JSON object '{' at the start of the file but found '['");
    assertThat(images()).isEqualTo(before);
    assertThat(Path.of(warehouse, "_staging")).doesNotExist();
  }

  @Test
  void failsOnAMissingInputFolder() {
    assertThatThrownBy(() -> ConvertImagesJob.run(spark, config()))
        .isInstanceOf(MimicitException.class)
        .hasMessageStartingWith("Cannot read input " + input + ": no such file or folder.");
  }
}
