package org.mimicit.jobs.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.md5;
import static org.apache.spark.sql.functions.posexplode_outer;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.testing.SparkTestBase;
import org.mimicit.jobs.Main;

class PipelineJobIT extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void runsEveryStageOnTheBundledSample() throws IOException {
    Path sample = Path.of(System.getProperty("user.dir")).getParent().resolve("sample/mimicit");
    String wh = tmp.resolve("wh").toString();
    String export = tmp.resolve("export").toString();
    assertThat(
            Main.execute(
                "pipeline",
                "--input",
                sample.toString(),
                "--warehouse",
                wh,
                "--output",
                export,
                "--cache-from",
                sample.resolveSibling("api-cache").toString(),
                "--annotations",
                sample.resolveSibling("annotations/DC_dense_captions.jsonl").toString(),
                "--prompts",
                sample.getParent().resolveSibling("conf/prompts/dense_captions.json").toString()))
        .isZero();

    assertThat(spark.read().parquet(wh + "/images").count()).isEqualTo(41);
    assertThat(spark.read().parquet(wh + "/instructions").count()).isEqualTo(97 + 8);
    assertThat(spark.read().parquet(wh + "/images").select("task").distinct().count()).isEqualTo(3);
    assertThat(
            spark
                .read()
                .parquet(wh + "/rejected/images")
                .selectExpr("reason")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactlyInAnyOrder("invalid_base64", "not_an_image");
    assertThat(
            spark
                .read()
                .parquet(wh + "/rejected/instructions")
                .selectExpr("id || ':' || reason")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactlyInAnyOrder("LA_INS_09001:missing_field", "LA_INS_00015:duplicate_id");
    assertThat(
            spark
                .read()
                .parquet(wh + "/images")
                .where("task = 'DC'")
                .selectExpr("min(image_id)")
                .first()
                .getString(0))
        .matches("DC_IMG_v_.{11}_0000");

    // join-incontext: LA's relations come from sample/mimicit/LA/LA_train.json (found next to
    // the input); the other tasks' from rel_ins_ids, where a rejected instruction dangles
    assertThat(spark.read().parquet(wh + "/incontext").count()).isEqualTo(97 + 8);
    assertThat(
            spark
                .read()
                .parquet(wh + "/incontext")
                .where("ins_id = 'LA_INS_00001'")
                .selectExpr("context_ins_ids")
                .first()
                .getList(0))
        .containsExactly(
            "LA_INS_00005", "LA_INS_00008", "LA_INS_00011", "LA_INS_00014", "LA_INS_00017");
    assertThat(tmp.resolve("wh/_stats/join-incontext.json")).exists();

    // generate-instructions, offline: the recorded replies for the two sample videos, after
    // DC_INS_00030
    assertThat(
            spark
                .read()
                .parquet(wh + "/instructions")
                .where("task = 'DC' and ins_id > 'DC_INS_00030'")
                .orderBy("ins_id")
                .selectExpr(
                    "ins_id || ' ' || instruction || ' ' || size(image_ids) || ' ' ||"
                        + " size(rel_ins_ids)")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactly(
            "DC_INS_00031 What lies on the shore at the start of the video? 8 3",
            "DC_INS_00032 Which way does the camera move, and what does it pass? 8 3",
            "DC_INS_00033 What can be seen in the lake near the end of the video? 8 3",
            "DC_INS_00034 Why might the boats have been pulled up onto the shore? 8 3",
            "DC_INS_00035 What fills the sky at the beginning of the video? 7 3",
            "DC_INS_00036 What comes into view as the camera tilts down? 7 3",
            "DC_INS_00037 Why is the guardrail blurred? 7 3",
            "DC_INS_00038 What will the driver probably face next? 7 3");
    assertThat(tmp.resolve("wh/_stats/generate-instructions.json")).exists();

    // expand-multilingual, offline: the sample's recorded human translations of 24 LA pairs
    assertThat(spark.read().parquet(wh + "/translations").count()).isEqualTo(24 * 7);
    assertThat(
            spark
                .read()
                .parquet(wh + "/translations")
                .where("task = 'LA' and lang = 'zh' and ins_id = 'LA_INS_00001'")
                .selectExpr("instruction")
                .first()
                .getString(0))
        .isEqualTo("图中的女士穿着什么？");
    assertThat(spark.read().parquet(wh + "/translations").select("lang").distinct().count())
        .isEqualTo(7);
    assertThat(tmp.resolve("wh/rejected/translations/task=LA")).doesNotExist();
    assertThat(tmp.resolve("wh/_stats/expand-multilingual.json")).exists();

    // export-shards: every task in all three formats, verified
    for (String task : new String[] {"DC", "LA", "SD"}) {
      assertThat(tmp.resolve("export/" + task + "/" + task + "_instructions.json")).exists();
      assertThat(tmp.resolve("export/parquet/" + task + "/train-00000-of-00001.parquet")).exists();
      assertThat(tmp.resolve("export/webdataset/" + task + "/train-00000-of-00001.tar")).exists();
    }
    assertThat(Main.execute("verify", "--output", export)).isZero();
    // where the export's time went: planning, the shards, the rest; together its duration
    JsonNode stats =
        new ObjectMapper().readTree(tmp.resolve("wh/_stats/export-shards.json").toFile());
    JsonNode phases = stats.get("phase_ms");
    assertThat(phases.fieldNames()).toIterable().containsExactly("plan", "write_shards", "rest");
    assertThat(phases.get("write_shards").asLong()).isPositive();
    assertThat(
            phases.get("plan").asLong()
                + phases.get("write_shards").asLong()
                + phases.get("rest").asLong())
        .isEqualTo(stats.get("duration_ms").asLong());
    List<String> examples = imagesOnceRoundTrip(wh, export);
    List<String> contexts =
        spark
            .read()
            .parquet(export + "/parquet/*/train-*.parquet")
            .selectExpr(
                "concat_ws(' | ', task, lang, ins_id, concat_ws(' ; ', transform(context, c ->"
                    + " concat_ws(' / ', c.ins_id, c.instruction, c.answer,"
                    + " array_join(c.image_ids, ',')))))")
            .as(Encoders.STRING())
            .collectAsList()
            .stream()
            .sorted()
            .toList();
    webDatasetRoundTrip(Path.of(export), examples, contexts);
  }

  /**
   * The WebDataset export in the images-once layout, read back from the tars alone: one sample per
   * image set with each content once, and from the samples every example of {@code expected}.
   */
  private static void webDatasetRoundTrip(
      Path export, List<String> expected, List<String> expectedContexts) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<String> got = new ArrayList<>();
    List<String> gotContexts = new ArrayList<>();
    long named = 0;
    long members = 0;
    long refs = 0;
    List<Path> tars;
    try (Stream<Path> files = Files.walk(export.resolve("webdataset"))) {
      tars = files.filter(f -> f.toString().endsWith(".tar")).sorted().toList();
    }
    for (Path tar : tars) {
      Map<String, byte[]> contents = new HashMap<>();
      try (TarArchiveInputStream in =
          new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(tar)))) {
        for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
          byte[] bytes = in.readAllBytes();
          if (!e.getName().endsWith(".json")) {
            contents.put(e.getName(), bytes);
            members++;
            continue;
          }
          JsonNode sample = json.readTree(bytes);
          Map<String, String> md5ById = new HashMap<>();
          List<String> idAt = new ArrayList<>();
          Set<String> shas = new HashSet<>();
          for (JsonNode image : sample.get("images")) {
            byte[] content = contents.get(image.get("member").asText());
            assertThat(content).as(image.toString()).isNotNull();
            md5ById.put(image.get("image_id").asText(), md5Hex(content));
            idAt.add(image.get("image_id").asText());
            shas.add(image.get("sha256").asText());
          }
          assertThat(contents).as("one member per content").hasSize(shas.size());
          contents.clear();
          Map<String, JsonNode> byLangAndId = new HashMap<>();
          for (JsonNode ex : sample.get("examples")) {
            byLangAndId.put(ex.get("lang").asText() + "/" + ex.get("ins_id").asText(), ex);
          }
          for (JsonNode ex : sample.get("examples")) {
            List<String> context = new ArrayList<>();
            for (JsonNode c : ex.get("context")) {
              JsonNode entry = c;
              if (c.path("in_sample").asBoolean()) {
                entry = byLangAndId.get(ex.get("lang").asText() + "/" + c.get("ins_id").asText());
                named++;
              }
              List<String> ids = new ArrayList<>();
              if (entry.has("image_index")) { // an example of the sample
                entry.get("image_index").forEach(i -> ids.add(idAt.get(i.asInt())));
              } else {
                entry.get("image_ids").forEach(id -> ids.add(id.asText()));
              }
              context.add(
                  String.join(
                      " / ",
                      entry.get("ins_id").asText(),
                      entry.get("instruction").asText(),
                      entry.get("answer").asText(),
                      String.join(",", ids)));
            }
            gotContexts.add(
                String.join(
                    " | ",
                    sample.get("task").asText(),
                    ex.get("lang").asText(),
                    ex.get("ins_id").asText(),
                    String.join(" ; ", context)));
            List<String> md5s = new ArrayList<>();
            for (JsonNode index : ex.get("image_index")) {
              md5s.add(md5ById.get(idAt.get(index.asInt())));
              refs++;
            }
            got.add(
                String.join(
                    " | ",
                    sample.get("task").asText(),
                    ex.get("lang").asText(),
                    ex.get("ins_id").asText(),
                    ex.get("instruction").asText(),
                    ex.get("answer").asText(),
                    String.join(",", md5s)));
          }
        }
      }
    }
    assertThat(got.stream().sorted().toList()).isEqualTo(expected);
    // context entries named in the sample resolve to the same texts as the Parquet rows carry
    assertThat(gotContexts.stream().sorted().toList()).isEqualTo(expectedContexts);
    assertThat(named).isPositive();
    // DC's frames are shared by its instructions and every language: far fewer members than uses
    assertThat(members).isLessThan(refs / 4);
  }

  private static String md5Hex(byte[] bytes) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("MD5").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The Parquet export in the images-once layout, read back with a join on sha256 (as the README
   * shows): every example of the warehouse whose images exist, in every language, comes back with
   * its text and its images' bytes in order; each distinct image is stored once.
   */
  private static List<String> imagesOnceRoundTrip(String wh, String export) {
    Dataset<Row> shards = spark.read().parquet(export + "/parquet/*/train-*.parquet");
    Dataset<Row> images = spark.read().parquet(export + "/parquet/images");
    List<String> got =
        examplesWithImages(
            perImage(shards, "images", "r")
                .join(images, col("r.sha256").equalTo(images.col("sha256")), "left"));

    Dataset<Row> instructions = spark.read().parquet(wh + "/instructions");
    Dataset<Row> translated =
        spark
            .read()
            .parquet(wh + "/translations")
            .join(instructions.select("task", "ins_id", "image_ids"), using("task", "ins_id"));
    Dataset<Row> examples =
        instructions
            .select(
                col("task"),
                lit("en").as("lang"),
                col("ins_id"),
                col("instruction"),
                col("answer"),
                col("image_ids"))
            .unionByName(
                translated.select("task", "lang", "ins_id", "instruction", "answer", "image_ids"));
    Dataset<Row> warehouseImages = spark.read().parquet(wh + "/images");
    List<String> expected =
        examplesWithImages(
            perImage(examples, "image_ids", "image_id")
                .join(
                    warehouseImages.select("task", "image_id", "bytes"),
                    using("task", "image_id"),
                    "left"));
    assertThat(got).hasSize(expected.size()).containsExactlyElementsOf(expected);
    assertThat(expected).hasSizeGreaterThan(200);
    // each distinct image once: no sha256 twice, and as many as the examples use
    assertThat(images.select("sha256").distinct().count()).isEqualTo(images.count());
    assertThat(images.count())
        .isEqualTo(
            shards.select(explode(col("images")).as("r")).select("r.sha256").distinct().count());
    return expected;
  }

  private static scala.collection.immutable.Seq<String> using(String... names) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(names)).toList();
  }

  /** An example's text with each entry of its {@code list} (as {@code entry}) and its pos. */
  private static Dataset<Row> perImage(Dataset<Row> examples, String list, String entry) {
    return examples.select(
        col("task"),
        col("lang"),
        col("ins_id"),
        col("instruction"),
        col("answer"),
        posexplode_outer(col(list)).as(new String[] {"pos", entry}));
  }

  /**
   * Examples as strings (task, lang, ins_id, text, then the MD5 of each image's bytes in order),
   * sorted; from rows of an example and one of its images (pos, bytes), the examples that lack an
   * image left out.
   */
  private static List<String> examplesWithImages(Dataset<Row> rows) {
    return rows
        .groupBy("task", "lang", "ins_id", "instruction", "answer")
        .agg(
            sort_array(collect_list(struct(col("pos"), md5(col("bytes")).as("md5")))).as("imgs"),
            count(col("pos")).as("refs"),
            count(col("bytes")).as("found"))
        .where(col("refs").equalTo(col("found")))
        .select(
            concat_ws(
                " | ",
                col("task"),
                col("lang"),
                col("ins_id"),
                col("instruction"),
                col("answer"),
                concat_ws(",", transform(col("imgs"), i -> i.getField("md5")))))
        .as(Encoders.STRING())
        .collectAsList()
        .stream()
        .sorted()
        .toList();
  }
}
