package org.mimicit.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.testing.SparkTestBase;
import org.mimicit.common.testing.TestImages;
import org.mimicit.common.testing.TestVideos;
import org.mimicit.jobs.Main;

class ConvertSourcesJobIT extends SparkTestBase {
  @TempDir Path tmp;
  private String warehouse;

  @BeforeEach
  void layout() {
    warehouse = tmp.resolve("wh").toString();
  }

  private Path file(String relative, byte[] data) throws IOException {
    Path p = tmp.resolve("in").resolve(relative);
    Files.createDirectories(p.getParent());
    return Files.write(p, data);
  }

  private int convert(String... args) {
    List<String> all = new ArrayList<>(List.of("convert-sources", "--warehouse", warehouse));
    all.addAll(Arrays.asList(args));
    return Main.execute(all.toArray(new String[0]));
  }

  /** {@code id format WxH} of a task's images, sorted. */
  private List<String> images(String task) {
    return spark
        .read()
        .parquet(warehouse + "/images")
        .where("task = '" + task + "'")
        .collectAsList()
        .stream()
        .map(
            r ->
                r.getAs("image_id")
                    + " "
                    + r.getAs("format")
                    + " "
                    + r.getAs("width")
                    + "x"
                    + r.getAs("height"))
        .sorted()
        .collect(Collectors.toList());
  }

  private List<String> rejected(String task) {
    return spark
        .read()
        .parquet(warehouse + "/rejected/images")
        .where("task = '" + task + "'")
        .collectAsList()
        .stream()
        .map(r -> r.getAs("id") + " " + r.getAs("reason") + ": " + r.getAs("detail"))
        .sorted()
        .collect(Collectors.toList());
  }

  private static byte[] cmykJpeg() throws IOException {
    WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 300, 200, 4, null);
    for (int y = 0; y < 200; y++) {
      for (int x = 0; x < 300; x++) {
        raster.setPixel(x, y, new int[] {x % 256, y, 40, 0});
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(new IIOImage(raster, null, null));
    }
    writer.dispose();
    return out.toByteArray();
  }

  @Test
  void convertsAFolderToThe224PngsOfTheReleaseWithRejectsAndStats() throws IOException {
    file("folder/a.jpg", TestImages.image("jpeg", 640, 480, 1));
    file("folder/b.png", TestImages.image("png", 30, 20, 2));
    file("folder/b.jpg", TestImages.image("jpeg", 30, 20, 2)); // same id: the last path wins
    file("folder/cmyk.jpg", cmykJpeg());
    file("folder/deep/c.gif", TestImages.image("gif", 50, 50, 3));
    file("folder/bad.jpg", "no image here".getBytes(StandardCharsets.UTF_8));
    file("folder/readme.txt", "not listed".getBytes(StandardCharsets.UTF_8));
    assertThat(
            convert(
                "--source",
                "folder",
                "--input",
                tmp.resolve("in/folder").toString(),
                "--task",
                "MY",
                "--max-reject-ratio",
                "0.5"))
        .isZero();

    assertThat(images("MY"))
        .containsExactly(
            "MY_IMG_a png 224x224",
            "MY_IMG_b png 224x224",
            "MY_IMG_c png 224x224",
            "MY_IMG_cmyk png 224x224");
    assertThat(rejected("MY"))
        .containsExactly(
            "MY_IMG_b duplicate_id: id occurs again at byte 0 of file:"
                + tmp.resolve("in/folder/b.png")
                + "; the last occurrence wins",
            "MY_IMG_bad not_an_image: not an image: first bytes 6e 6f 20 69 6d 61 67 65");
    Row b = spark.read().parquet(warehouse + "/images").where("image_id = 'MY_IMG_b'").first();
    assertThat((String) b.getAs("source")).endsWith("/in/folder/b.png");
    assertThat((String) b.getAs("sha256")).isEqualTo(TestImages.sha256(b.getAs("bytes")));

    JsonNode stats =
        new ObjectMapper().readTree(tmp.resolve("wh/_stats/convert-sources.json").toFile());
    assertThat(stats.get("source").asText()).isEqualTo("folder");
    assertThat(stats.get("rows_in").asLong()).isEqualTo(6);
    assertThat(stats.get("rows_out").asLong()).isEqualTo(4);
    assertThat(stats.get("rejected").get("not_an_image").asLong()).isEqualTo(1);
    assertThat(stats.get("rejected").get("duplicate_id").asLong()).isEqualTo(1);
  }

  @Test
  void pairsSpotTheDifferenceAndRejectsTheHalfPair() throws IOException {
    file("sd/1.jpg", TestImages.image("jpeg", 64, 48, 1));
    file("sd/1_2.jpg", TestImages.image("jpeg", 64, 48, 2));
    file("sd/12.png", TestImages.image("png", 40, 40, 3));
    file("sd/12_2.png", TestImages.image("png", 40, 40, 4));
    file("sd/7.jpg", TestImages.image("jpeg", 64, 48, 5));
    assertThat(
            convert(
                "--source",
                "spot-the-diff",
                "--input",
                tmp.resolve("in/sd").toString(),
                "--task",
                "SD",
                "--resize",
                "100x80",
                "--format",
                "jpeg",
                "--quality",
                "80",
                "--max-reject-ratio",
                "0.5"))
        .isZero();
    assertThat(images("SD"))
        .containsExactly(
            "SD_IMG_00001_1 jpeg 100x80",
            "SD_IMG_00001_2 jpeg 100x80",
            "SD_IMG_00012_1 jpeg 100x80",
            "SD_IMG_00012_2 jpeg 100x80");
    assertThat(rejected("SD"))
        .containsExactly(
            "SD_IMG_00007_1 missing_pair: the other image of "
                + "pair SD_IMG_00007 is missing (expected <n>.ext and <n>_2.ext)");
  }

  @Test
  void samplesVideoFramesWithTheReleasedIdsAndRejectsATruncatedVideo() throws IOException {
    Path videos = Files.createDirectories(tmp.resolve("in/videos"));
    TestVideos.h264(videos.resolve("v_N1c3C_Npr-E.mp4"), 160, 120, 30000, 1001, 100);
    TestVideos.vp9(videos.resolve("v_pal.webm"), 96, 64, 25, 1, 60);
    byte[] whole = Files.readAllBytes(videos.resolve("v_N1c3C_Npr-E.mp4"));
    Files.write(videos.resolve("v_cut.mp4"), Arrays.copyOf(whole, whole.length / 2));
    assertThat(
            convert(
                "--source",
                "video",
                "--input",
                videos.toString(),
                "--task",
                "DC",
                "--max-reject-ratio",
                "0.5"))
        .isZero();
    // 29.97 fps: every 29th frame of 100 -> 4; 25 fps: every 25th of 60 -> 3
    assertThat(images("DC"))
        .containsExactly(
            "DC_IMG_v_N1c3C_Npr-E_0000 png 224x224",
            "DC_IMG_v_N1c3C_Npr-E_0001 png 224x224",
            "DC_IMG_v_N1c3C_Npr-E_0002 png 224x224",
            "DC_IMG_v_N1c3C_Npr-E_0003 png 224x224",
            "DC_IMG_v_pal_0000 png 224x224",
            "DC_IMG_v_pal_0001 png 224x224",
            "DC_IMG_v_pal_0002 png 224x224");
    assertThat(rejected("DC"))
        .containsExactly(
            "DC_IMG_v_cut undecodable_video: cannot open: avformat_open_input: Invalid data found"
                + " when processing input (error -1094995529)");
    JsonNode stats =
        new ObjectMapper().readTree(tmp.resolve("wh/_stats/convert-sources.json").toFile());
    assertThat(stats.get("videos").asLong()).isEqualTo(3);
    assertThat(stats.get("video_frames").asLong()).isEqualTo(7);

    // E4D's ids: 8 digits; exact time sampling at 2 frames a second, full size frames
    assertThat(
            convert(
                "--source",
                "video",
                "--input",
                videos.toString(),
                "--task",
                "E4D",
                "--frame-index-digits",
                "8",
                "--sampling",
                "timestamp",
                "--fps",
                "2",
                "--keep-original",
                "--max-reject-ratio",
                "0.5"))
        .isZero();
    List<String> e4d = images("E4D");
    assertThat(e4d)
        .hasSize(7 + 5)
        .contains("E4D_IMG_v_N1c3C_Npr-E_00000006 png 160x120", "E4D_IMG_v_pal_00000004 png 96x64");
    assertThat(images("DC")).hasSize(7); // the other task is left as it was
  }

  @Test
  void keepsOriginalBytesOfScanNetAndTvqaFrames() throws IOException {
    byte[] frame0 = TestImages.image("jpeg", 320, 240, 1);
    byte[] frame20 = TestImages.image("jpeg", 320, 240, 2);
    file("scannet/scene0000_00/color/0.jpg", frame0);
    file("scannet/scene0000_00/color/20.jpg", frame20);
    file("scannet/scene0000_00/depth/0.png", TestImages.image("png", 32, 24, 3));
    assertThat(
            convert(
                "--source",
                "scannet",
                "--input",
                tmp.resolve("in/scannet").toString(),
                "--task",
                "SN",
                "--keep-original"))
        .isZero();
    assertThat(images("SN"))
        .containsExactly(
            "SN_IMG_scene0000_00_0 jpeg 320x240", "SN_IMG_scene0000_00_20 jpeg 320x240");
    List<Row> rows =
        spark
            .read()
            .parquet(warehouse + "/images")
            .where("image_id = 'SN_IMG_scene0000_00_20'")
            .collectAsList();
    assertThat((String) rows.get(0).getAs("sha256")).isEqualTo(TestImages.sha256(frame20));
    assertThat((byte[]) rows.get(0).getAs("bytes")).isEqualTo(frame20);

    file("tvqa/bbt_frames/s01e01_seg01_clip_00/00001.jpg", frame0);
    file("tvqa/bbt_frames/s01e01_seg01_clip_00/00002.jpg", frame20);
    assertThat(
            convert(
                "--source",
                "tvqa-frames",
                "--input",
                tmp.resolve("in/tvqa").toString(),
                "--task",
                "TVC",
                "--resize",
                "64x64",
                "--keep-aspect"))
        .isZero();
    assertThat(images("TVC"))
        .containsExactly(
            "TVC_IMG_s01e01_seg01_clip_00_00001 png 64x48",
            "TVC_IMG_s01e01_seg01_clip_00_00002 png 64x48");
  }

  @Test
  void restrictsCocoToAnIdList() throws IOException {
    file("coco/000000000009.jpg", TestImages.image("jpeg", 64, 48, 1));
    file("coco/000000000025.jpg", TestImages.image("jpeg", 64, 48, 2));
    file("coco/000000000030.jpg", TestImages.image("jpeg", 64, 48, 3));
    Path ids =
        file(
            "LA_instructions.json",
            ("{\"meta\": {}, \"data\": {\"LA_INS_00001\": {\"instruction\": \"?\", \"answer\":"
                    + " \"!\", \"image_ids\": [\"LA_IMG_000000000009\", \"LA_IMG_000000000030\"],"
                    + " \"rel_ins_ids\": []}}}")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(
            convert(
                "--source",
                "coco",
                "--input",
                tmp.resolve("in/coco").toString(),
                "--task",
                "LA",
                "--ids",
                ids.toString()))
        .isZero();
    assertThat(images("LA"))
        .containsExactly("LA_IMG_000000000009 png 224x224", "LA_IMG_000000000030 png 224x224");
  }

  @Test
  void convertsTheBundledSampleSourcesAsThePipelineDoes() throws IOException {
    Path sources = Path.of(System.getProperty("user.dir")).getParent().resolve("sample/sources");
    ConvertSourcesJob.runSources(spark, sources.toString(), warehouse, 0.05);
    assertThat(images("CS_FOLDER"))
        .containsExactly(
            "CS_FOLDER_IMG_camera png 224x224",
            "CS_FOLDER_IMG_coffee png 224x224",
            "CS_FOLDER_IMG_hubble png 224x224",
            "CS_FOLDER_IMG_ladybird png 224x224",
            "CS_FOLDER_IMG_rocket png 224x224");
    assertThat(images("CS_SD"))
        .containsExactly(
            "CS_SD_IMG_00005_1 png 224x224",
            "CS_SD_IMG_00005_2 png 224x224",
            "CS_SD_IMG_00006_1 png 224x224",
            "CS_SD_IMG_00006_2 png 224x224");
    assertThat(rejected("CS_SD"))
        .containsExactly(
            "CS_SD_IMG_00007_1 missing_pair: the other "
                + "image of pair CS_SD_IMG_00007 is missing (expected <n>.ext and <n>_2.ext)");
    // v_dune_pan.mp4: 90 frames at 29.97 fps -> 0, 29, 58, 87; v_jetty_pan.webm: 75 at 25 -> 0, 25,
    // 50
    assertThat(images("CS_DC"))
        .containsExactly(
            "CS_DC_IMG_v_dune_pan_0000 png 224x224",
            "CS_DC_IMG_v_dune_pan_0001 png 224x224",
            "CS_DC_IMG_v_dune_pan_0002 png 224x224",
            "CS_DC_IMG_v_dune_pan_0003 png 224x224",
            "CS_DC_IMG_v_jetty_pan_0000 png 224x224",
            "CS_DC_IMG_v_jetty_pan_0001 png 224x224",
            "CS_DC_IMG_v_jetty_pan_0002 png 224x224");
  }

  @Test
  void explainsBadOptionsAndMissingInput() {
    StringWriter err = new StringWriter();
    int code =
        Main.execute(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err, true),
            "convert-sources",
            "--source",
            "cocoa",
            "--input",
            tmp.toString(),
            "--task",
            "LA",
            "--warehouse",
            warehouse);
    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains(
            "Cannot set --source to cocoa: the value must be one of "
                + "coco, spot-the-diff, scannet, tvqa-frames, video, folder.");
    err.getBuffer().setLength(0);
    code =
        Main.execute(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err, true),
            "convert-sources",
            "--source",
            "folder",
            "--input",
            tmp.resolve("nothing").toString(),
            "--task",
            "LA",
            "--warehouse",
            warehouse,
            "--resize",
            "224");
    assertThat(err.toString())
        .contains("Cannot set --resize to 224: the value must be WIDTHxHEIGHT, e.g. 224x224.");
    err.getBuffer().setLength(0);
    code =
        Main.execute(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err, true),
            "convert-sources",
            "--source",
            "folder",
            "--input",
            tmp.resolve("nothing").toString(),
            "--task",
            "LA",
            "--warehouse",
            warehouse);
    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains(
            "Cannot read input "
                + tmp.resolve("nothing")
                + ": no such folder. Pass the folder of the folder dataset");
  }
}
