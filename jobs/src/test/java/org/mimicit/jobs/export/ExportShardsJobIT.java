package org.mimicit.jobs.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.schema.TranslationSchema;
import org.mimicit.common.testing.SparkTestBase;
import org.mimicit.common.testing.TestImages;
import org.mimicit.jobs.Main;
import org.mimicit.jobs.images.ConvertImagesJob;
import org.mimicit.jobs.incontext.JoinInContextConfig;
import org.mimicit.jobs.incontext.JoinInContextJob;
import org.mimicit.jobs.ingest.IngestConfig;
import org.mimicit.jobs.instructions.ConvertInstructionsJob;

class ExportShardsJobIT extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SHARD = 200_000;
  private static final int IMAGE_BYTES = 6_000;

  @TempDir Path tmp;
  @TempDir static Path shared;
  private static String shardWarehouse;

  // --- round trip: release -> warehouse -> mimicit export ---------------------------------------

  @Test
  void exportsAnIngestedReleaseAsTheSameJsonValues() throws Exception {
    Path release = tmp.resolve("release/LA");
    Files.createDirectories(release);
    ObjectNode images = JSON.createObjectNode();
    images.put("LA_IMG_000000000001", b64(TestImages.image("png", 32, 24, 1)));
    images.put("LA_IMG_000000000002", b64(TestImages.image("jpeg", 40, 30, 2)));
    images.put("LA_IMG_000000000003", b64(TestImages.image("gif", 16, 16, 3)));
    ObjectNode data = JSON.createObjectNode();
    ObjectNode first =
        record(
            data,
            "LA_INS_00001",
            "这是什么？ 🐎 東京タワーの夜景",
            "سيارة \"x\"\n\t\\ 😀 𠜎 — ok\u2028",
            List.of("LA_IMG_000000000001"),
            List.of("LA_INS_00002", "LA_INS_00003"));
    first.put("lang", "zh");
    first.putArray("scores").add(1).add(2.5).addNull();
    first.putObject("nested").put("ok", true).put("text", "한국어 문장입니다");
    record(
        data,
        "LA_INS_00002",
        "Who is there?",
        "A person.",
        List.of("LA_IMG_000000000002", "LA_IMG_000000000003"),
        List.of("LA_INS_00001"));
    record(data, "LA_INS_00003", "Привет мир?", "γειά σου κόσμε", List.of(), List.of());
    ObjectNode instructions = JSON.createObjectNode();
    instructions.set("data", data); // meta after data, as the format allows
    instructions
        .putObject("meta")
        .put("version", "0.0.1")
        .put("time", "2023-06")
        .put("author", "ntu");
    ObjectNode train = JSON.createObjectNode();
    train.putArray("LA_INS_00001").add("LA_INS_00002").add("LA_INS_00003");
    train.putArray("LA_INS_00002").add("LA_INS_00001");
    train.putArray("LA_INS_00003");
    // raw UTF-8 in, so the comparison is of values, not of escapes
    Files.writeString(release.resolve("LA.json"), JSON.writeValueAsString(images));
    Files.writeString(
        release.resolve("LA_instructions.json"),
        JSON.writeValueAsString(instructions),
        StandardCharsets.UTF_8);
    Files.writeString(release.resolve("LA_train.json"), JSON.writeValueAsString(train));
    String wh = tmp.resolve("wh").toString();
    IngestConfig ingest = new IngestConfig(tmp.resolve("release").toString(), wh, Set.of(), 0);
    ConvertImagesJob.run(spark, ingest);
    ConvertInstructionsJob.run(spark, ingest);
    JoinInContextJob.run(spark, JoinInContextConfig.defaults(wh));
    Path out = tmp.resolve("export");

    ExportShardsJob.run(
        spark,
        ExportShardsConfig.parse(
            wh, out.toString(), List.of("mimicit"), List.of(), List.of(), "256MB", "once"));

    assertThat(readJson(out.resolve("LA/LA.json"))).isEqualTo(images);
    assertThat(readJson(out.resolve("LA/LA_instructions.json"))).isEqualTo(instructions);
    assertThat(readJson(out.resolve("LA/LA_train.json"))).isEqualTo(train);
    // written as Python's json.dump does by default: plain ASCII, the rest as \\u escapes
    for (String name : List.of("LA.json", "LA_instructions.json", "LA_train.json")) {
      String text = Files.readString(out.resolve("LA").resolve(name), StandardCharsets.ISO_8859_1);
      assertThat(text).as(name).matches("[\\x20-\\x7e]*");
    }
    assertThat(Files.readString(out.resolve("LA/LA_instructions.json")))
        .startsWith(
            "{\"meta\":{\"version\":\"0.0.1\",\"time\":\"2023-06\",\"author\":\"ntu\"},"
                + "\"data\":{\"LA_INS_00001\":{\"instruction\":\"\\u8FD9")
        .contains("\\uD83D\\uDE00"); // 😀 as a surrogate pair
    assertThat(Files.readAllLines(out.resolve("MD5SUMS")))
        .containsExactly(
            md5Line(out, "LA/LA.json"),
            md5Line(out, "LA/LA_instructions.json"),
            md5Line(out, "LA/LA_train.json"));
    assertThat(verify("--output", out.toString())).isZero();

    // shards: convert-images stores image bytes as plain ranges, which the writers copy; from an
    // images table written by Spark (compressed) the bytes go through a shuffle: same files
    Path copied = tmp.resolve("wh-spark");
    spark
        .read()
        .parquet(wh + "/images")
        .write()
        .partitionBy("task")
        .parquet(copied.resolve("images").toString());
    for (String table : List.of("instructions", "incontext")) {
      spark
          .read()
          .parquet(wh + "/" + table)
          .write()
          .partitionBy("task")
          .parquet(copied.resolve(table).toString());
    }
    List<String> shards = List.of("parquet", "webdataset");
    for (String layout : List.of("once", "per-example")) {
      Path direct = tmp.resolve("direct-" + layout);
      Path shuffled = tmp.resolve("shuffled-" + layout);
      ExportShardsJob.run(
          spark,
          ExportShardsConfig.parse(
              wh, direct.toString(), shards, List.of(), List.of(), "16K", layout));
      ExportShardsJob.run(
          spark,
          ExportShardsConfig.parse(
              copied.toString(), shuffled.toString(), shards, List.of(), List.of(), "16K", layout));
      List<String> files = relativeFiles(direct);
      assertThat(files)
          .contains(
              "parquet/LA/train-00000-of-00001.parquet", "webdataset/LA/train-00000-of-00001.tar");
      if (layout.equals("once")) {
        assertThat(files).contains("parquet/images/images-00000-of-00001.parquet");
      } else {
        assertThat(files).noneMatch(f -> f.startsWith("parquet/images/"));
      }
      assertThat(relativeFiles(shuffled)).isEqualTo(files);
      for (String f : files) {
        assertThat(shuffled.resolve(f)).as(f).hasSameBinaryContentAs(direct.resolve(f));
      }
    }
  }

  private static ObjectNode record(
      ObjectNode data,
      String id,
      String instruction,
      String answer,
      List<String> imageIds,
      List<String> rel) {
    ObjectNode r = data.putObject(id);
    r.put("instruction", instruction);
    r.put("answer", answer);
    imageIds.forEach(r.putArray("image_ids")::add);
    rel.forEach(r.putArray("rel_ins_ids")::add);
    return r;
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static JsonNode readJson(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  private static String md5Line(Path dir, String path) throws Exception {
    byte[] digest =
        java.security.MessageDigest.getInstance("MD5")
            .digest(Files.readAllBytes(dir.resolve(path)));
    return java.util.HexFormat.of().formatHex(digest) + "  " + path;
  }

  // --- shards ------------------------------------------------------------------------------------

  /**
   * A warehouse of task TS: 60 instructions with 1-2 incompressible 6 KB images each, zh
   * translations of every third, one instruction naming a missing image; contexts joined. Built
   * once for the class.
   */
  private static synchronized String shardWarehouse() {
    if (shardWarehouse != null) {
      return shardWarehouse;
    }
    String wh = shared.resolve("shard-wh").toString();
    Random random = new Random(7);
    List<Row> images = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      byte[] bytes = new byte[IMAGE_BYTES + i];
      random.nextBytes(bytes);
      images.add(
          RowFactory.create(
              String.format("TS_IMG_%03d", i),
              i % 2 == 0 ? "png" : "jpeg",
              8,
              8,
              sha256(bytes),
              "src",
              bytes,
              "TS"));
    }
    spark
        .createDataFrame(images, ImageSchema.SCHEMA.add("task", DataTypes.StringType))
        .write()
        .partitionBy("task")
        .parquet(wh + "/images");
    List<Row> instructions = new ArrayList<>();
    List<Row> translations = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String id = String.format("TS_INS_%03d", i);
      String[] imageIds =
          i == 13
              ? new String[] {"TS_IMG_999"}
              : i % 3 == 0 ? new String[] {img(i), img(i + 1)} : new String[] {img(i)};
      instructions.add(
          RowFactory.create(
              id,
              "What is in picture " + i + "?",
              "Answer " + i + ": a sunny 东京 street 😀.",
              imageIds,
              new String[] {ins(i + 1), ins(i + 2)},
              null,
              "src",
              "TS"));
      if (i % 3 == 0) {
        translations.add(RowFactory.create(id, "图片" + i + "里有什么？", "答案 " + i, "m", "sha"));
      }
    }
    spark
        .createDataFrame(instructions, InstructionSchema.SCHEMA.add("task", DataTypes.StringType))
        .write()
        .partitionBy("task")
        .parquet(wh + "/instructions");
    spark
        .createDataFrame(translations, TranslationSchema.SCHEMA)
        .write()
        .parquet(wh + "/" + TranslationSchema.pathOf("TS", "zh"));
    JoinInContextJob.run(spark, JoinInContextConfig.defaults(wh));
    shardWarehouse = wh;
    return wh;
  }

  private static String img(int i) {
    return String.format("TS_IMG_%03d", i % 60);
  }

  private static String ins(int i) {
    return String.format("TS_INS_%03d", i % 60);
  }

  @Test
  void writesBoundedDeterministicShardsThatOtherReadersRead() throws Exception {
    String wh = shardWarehouse();
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    ExportShardsConfig config =
        ExportShardsConfig.parse(
            wh,
            a.toString(),
            List.of("parquet", "webdataset"),
            List.of(),
            List.of(),
            "200000",
            "per-example");

    ExportShardsJob.Result result = ExportShardsJob.run(spark, config);
    ExportShardsJob.run(
        spark,
        ExportShardsConfig.parse(
            wh,
            b.toString(),
            List.of("parquet", "webdataset"),
            List.of(),
            List.of(),
            "200000",
            "per-example"));

    assertThat(result.examples()).isEqualTo(Map.of("TS", Map.of("en", 59L, "zh", 20L)));
    assertThat(result.skipped()).isEqualTo(Map.of("TS", Map.of("en", 1L)));
    // byte-identical runs, manifest included
    List<String> files = relativeFiles(a);
    assertThat(relativeFiles(b)).isEqualTo(files);
    for (String f : files) {
      assertThat(Files.readAllBytes(b.resolve(f)))
          .as(f)
          .isEqualTo(Files.readAllBytes(a.resolve(f)));
    }
    for (String format : List.of("parquet", "webdataset")) {
      List<Path> shards;
      try (Stream<Path> s = Files.list(a.resolve(format).resolve("TS"))) {
        shards = s.sorted().toList();
      }
      assertThat(shards).hasSizeGreaterThan(3);
      String ext = format.equals("parquet") ? "parquet" : "tar";
      for (int i = 0; i < shards.size(); i++) {
        assertThat(shards.get(i).getFileName().toString())
            .isEqualTo(String.format("train-%05d-of-%05d.%s", i, shards.size(), ext));
        long size = Files.size(shards.get(i));
        // --shard-size is an upper bound; a shard closes when the next example would not fit
        assertThat(size).as(shards.get(i).toString()).isLessThanOrEqualTo(SHARD);
        if (i < shards.size() - 1) {
          assertThat(size)
              .as(shards.get(i).toString())
              .isGreaterThanOrEqualTo((long) (SHARD * 0.8));
        }
      }
    }
    checkParquet(a);
    checkTar(a);
    assertThat(verify("--output", a.toString())).isZero();

    // the images-once layout: every file within the shard size too, the image shards included
    Path once = tmp.resolve("once");
    ExportShardsJob.run(
        spark,
        ExportShardsConfig.parse(
            wh,
            once.toString(),
            List.of("parquet", "webdataset"),
            List.of(),
            List.of(),
            "" + SHARD,
            "once"));
    List<String> onceFiles = relativeFiles(once);
    assertThat(onceFiles)
        .anyMatch(f -> f.startsWith("parquet/images/images-00000-of-"))
        .anyMatch(f -> f.startsWith("webdataset/TS/"));
    for (String f : onceFiles) {
      if (f.startsWith("parquet/") || f.startsWith("webdataset/")) {
        assertThat(Files.size(once.resolve(f))).as(f).isLessThanOrEqualTo(SHARD);
      }
    }
    assertThat(verify("--output", once.toString())).isZero();
  }

  private static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void checkParquet(Path export) throws IOException {
    Configuration conf = new Configuration();
    List<String> keys = new ArrayList<>();
    Path first =
        export
            .resolve("parquet/TS")
            .resolve(
                Files.list(export.resolve("parquet/TS"))
                    .sorted()
                    .findFirst()
                    .orElseThrow()
                    .getFileName());
    try (Stream<Path> s = Files.list(export.resolve("parquet/TS"))) {
      for (Path shard : s.sorted().toList()) {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(shard.toUri());
        try (ParquetReader<Group> reader =
            ParquetReader.builder(new GroupReadSupport(), path).withConf(conf).build()) {
          for (Group g; (g = reader.read()) != null; ) {
            keys.add(g.getString("ins_id", 0) + "/" + g.getString("lang", 0));
            Group images = g.getGroup("images", 0);
            int n = images.getFieldRepetitionCount("list");
            int index = Integer.parseInt(g.getString("ins_id", 0).substring(7));
            assertThat(n).isEqualTo(index % 3 == 0 ? 2 : 1);
            Group image = images.getGroup("list", 0).getGroup("element", 0);
            assertThat(image.getString("image_id", 0)).isEqualTo(img(index));
            assertThat(image.getBinary("bytes", 0).length()).isEqualTo(IMAGE_BYTES + index);
            Group context = g.getGroup("context", 0);
            assertThat(context.getGroup("list", 0).getGroup("element", 0).getString("ins_id", 0))
                .isEqualTo(ins(index + 1));
            if (g.getString("lang", 0).equals("zh")) {
              assertThat(g.getString("instruction", 0)).isEqualTo("图片" + index + "里有什么？");
            }
          }
        }
      }
    }
    assertThat(keys)
        .hasSize(79)
        .startsWith("TS_INS_000/en", "TS_INS_000/zh", "TS_INS_001/en")
        .doesNotContain("TS_INS_013/en");
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(first.toUri()), conf))) {
      ParquetMetadata footer = reader.getFooter();
      assertThat(footer.getFileMetaData().getCreatedBy()).doesNotContainPattern("20\\d\\d-");
      assertThat(footer.getFileMetaData().getKeyValueMetaData().toString())
          .doesNotContainPattern("20\\d\\d-\\d\\d");
      for (BlockMetaData block : footer.getBlocks()) {
        assertThat(block.getTotalByteSize()).isLessThanOrEqualTo(128L << 20);
        for (ColumnChunkMetaData column : block.getColumns()) {
          if (column.getPath().toDotString().equals("images.list.element.bytes")) {
            assertThat(column.getCodec()).isEqualTo(CompressionCodecName.UNCOMPRESSED);
            assertThat(column.hasDictionaryPage()).isFalse();
          }
        }
      }
    }
  }

  private void checkTar(Path export) throws IOException {
    List<String> names = new ArrayList<>();
    JsonNode zh = null;
    try (Stream<Path> s = Files.list(export.resolve("webdataset/TS"))) {
      for (Path shard : s.sorted().toList()) {
        byte[] header = new byte[512];
        try (InputStream in = Files.newInputStream(shard)) {
          assertThat(in.read(header)).isEqualTo(512);
        }
        assertThat(new String(header, 257, 8, StandardCharsets.US_ASCII))
            .isEqualTo("ustar\u000000");
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(shard))) {
          for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
            names.add(e.getName());
            assertThat(e.getModTime().getTime()).isZero();
            assertThat(e.getLongUserId()).isZero();
            assertThat(e.getUserName()).isEmpty();
            byte[] content = tar.readAllBytes();
            assertThat(content).hasSize((int) e.getSize());
            if (e.getName().equals("000000001.json")) {
              zh = JSON.readTree(content);
            }
          }
        }
      }
    }
    assertThat(names)
        .startsWith(
            "000000000.0.png",
            "000000000.1.jpg",
            "000000000.json",
            "000000001.0.png",
            "000000001.1.jpg",
            "000000001.json",
            "000000002.0.jpg",
            "000000002.json");
    assertThat(names.stream().filter(n -> n.endsWith(".json"))).hasSize(79);
    assertThat(names).isSortedAccordingTo((x, y) -> x.substring(0, 9).compareTo(y.substring(0, 9)));
    assertThat(zh.get("ins_id").asText()).isEqualTo("TS_INS_000");
    assertThat(zh.get("lang").asText()).isEqualTo("zh");
    assertThat(zh.get("answer").asText()).isEqualTo("答案 0");
    assertThat(zh.get("images").get(1).get("member").asText()).isEqualTo("000000001.1.jpg");
    assertThat(zh.get("context").get(0).get("ins_id").asText()).isEqualTo("TS_INS_001");
    assertThat(zh.get("context").get(0).get("answer").asText())
        .isEqualTo("Answer 1: a sunny 东京 street 😀."); // not translated: the source text
  }

  private static List<String> relativeFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  // --- verify ------------------------------------------------------------------------------------

  @Test
  void verifyReportsAFlippedByteAMissingFileAndAStrayFile() throws Exception {
    String wh = shardWarehouse();
    Path out = tmp.resolve("v");
    ExportShardsJob.run(
        spark,
        ExportShardsConfig.parse(
            wh,
            out.toString(),
            List.of("mimicit", "webdataset"),
            List.of(),
            List.of("en"),
            "1MB",
            "once"));
    Path tar = out.resolve("webdataset/TS/train-00000-of-00001.tar");
    byte[] bytes = Files.readAllBytes(tar);
    bytes[1000] ^= 1;
    Files.write(tar, bytes);
    Files.delete(out.resolve("TS/TS_train.json"));
    Files.writeString(out.resolve("TS/notes.txt"), "x");

    StringWriter text = new StringWriter();
    int code =
        Main.execute(
            new PrintWriter(text),
            new PrintWriter(new StringWriter()),
            "verify",
            "--output",
            out.toString());

    assertThat(code).isEqualTo(1);
    assertThat(text.toString())
        .contains(
            "FAILED TS/TS_train.json: missing",
            "FAILED webdataset/TS/train-00000-of-00001.tar: sha256 ",
            "md5 ",
            "FAILED TS/notes.txt: not in the manifest",
            "OK TS/TS.json",
            "3 problem(s)");
    assertThat(text.toString()).doesNotContain("FAILED TS/TS.json");
  }

  @Test
  void verifyChecksReleaseZipsAgainstThePublishedMd5s() throws Exception {
    Path dir = tmp.resolve("zips");
    Files.createDirectories(dir);
    Files.write(dir.resolve("DC.zip"), new byte[] {'P', 'K', 3, 4});
    StringWriter text = new StringWriter();

    int code =
        Main.execute(
            new PrintWriter(text),
            new PrintWriter(new StringWriter()),
            "verify",
            "--release-dir",
            dir.toString());

    assertThat(code).isEqualTo(1);
    assertThat(text.toString())
        .contains("FAILED DC.zip: MD5 ", "matches no published MIMIC-IT zip");
    assertThat(verify("--release-dir", tmp.resolve("nothing").toString())).isEqualTo(1);
  }

  @Test
  void refusesALanguageWithoutTranslationsAndAFolderThatIsNotAnExport() throws Exception {
    String wh = shardWarehouse();
    assertThatThrownBy(
            () ->
                ExportShardsJob.run(
                    spark,
                    ExportShardsConfig.parse(
                        wh,
                        tmp.resolve("x").toString(),
                        List.of("parquet"),
                        List.of(),
                        List.of("en", "ja"),
                        "1MB",
                        "once")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Cannot export language ja: the warehouse has no translations to "
                + "it for tasks [TS] (languages there: [zh]).");
    Path home = tmp.resolve("home");
    Files.createDirectories(home);
    Files.writeString(home.resolve("thesis.tex"), "precious");
    assertThatThrownBy(
            () ->
                ExportShardsJob.run(
                    spark,
                    ExportShardsConfig.parse(
                        wh,
                        home.toString(),
                        List.of("parquet"),
                        List.of(),
                        List.of(),
                        "1MB",
                        "once")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("it exists and is not an export (no manifest.json)");
    assertThat(home.resolve("thesis.tex")).hasContent("precious");
  }

  private static int verify(String... args) {
    List<String> all = new ArrayList<>(List.of("verify"));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    int code = Main.execute(new PrintWriter(out), new PrintWriter(out), all.toArray(new String[0]));
    if (code != 0) {
      System.err.println(out); // the test's report shows why
    }
    return code;
  }
}
