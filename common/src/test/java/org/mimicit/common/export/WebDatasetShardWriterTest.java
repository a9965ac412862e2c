package org.mimicit.common.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.testing.TestExamples;

/** Shards written to a temporary folder and read back with commons-compress. */
class WebDatasetShardWriterTest {
  private static final Configuration CONF = new Configuration();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir java.nio.file.Path dir;

  @Test
  void writesEachSampleAsItsImagesThenItsJsonInKeyOrder() throws IOException {
    List<Example> examples = TestExamples.three();
    Path file = shard("webdataset/LA/train-00000-of-00001.tar");

    write(new WebDatasetShardWriter(CONF, file), examples);

    Map<String, byte[]> members = members(file);
    assertThat(members.keySet())
        .containsExactly(
            "000000000.0.jpg",
            "000000000.1.png",
            "000000000.json",
            "000000001.json",
            "000000002.0.png",
            "000000002.json");
    assertThat(members.get("000000000.0.jpg")).isEqualTo(examples.get(0).images().get(0).bytes());
    assertThat(members.get("000000000.1.png")).isEqualTo(examples.get(0).images().get(1).bytes());
    assertThat(members.get("000000002.0.png")).isEqualTo(examples.get(2).images().get(0).bytes());
  }

  @Test
  void writesTheSampleJsonInAsciiWithoutImageBytes() throws IOException {
    List<Example> examples = TestExamples.three();
    Path file = shard("train.tar");

    write(new WebDatasetShardWriter(CONF, file), examples);

    Map<String, byte[]> members = members(file);
    assertThat(new String(members.get("000000000.json"), StandardCharsets.US_ASCII))
        .isEqualTo(
            "{\"key\":\"000000000\",\"ins_id\":\"LA_INS_00001\",\"task\":\"LA\",\"lang\":\"en\","
                + "\"instruction\":\"What is on the table?\","
                + "\"answer\":\"A cat \\u2014 asleep \\uD83D\\uDC31\","
                + "\"context\":[{\"ins_id\":\"LA_INS_00002\",\"instruction\":\"Where is the cat?\","
                + "\"answer\":\"On the sofa.\",\"image_ids\":[\"LA_IMG_2\",\"LA_IMG_3\"]}],"
                + "\"images\":[{\"image_id\":\"LA_IMG_1\",\"format\":\"jpeg\","
                + "\"member\":\"000000000.0.jpg\"},{\"image_id\":\"LA_IMG_2\",\"format\":\"png\","
                + "\"member\":\"000000000.1.png\"}]}");
    JsonNode translated = JSON.readTree(members.get("000000001.json"));
    assertThat(translated.get("lang").asText()).isEqualTo("zh");
    assertThat(translated.get("instruction").asText()).isEqualTo("桌子上有什么？");
    assertThat(translated.get("answer").asText()).isEqualTo("一只猫。");
    assertThat(translated.get("context")).isEmpty();
    assertThat(translated.get("images")).isEmpty();
    for (String name : List.of("000000000.json", "000000001.json", "000000002.json")) {
      assertThat(new String(members.get(name), StandardCharsets.ISO_8859_1))
          .as(name)
          .matches("[\\x20-\\x7E]+");
    }
  }

  @Test
  void writesUstarMembersWithFixedOwnerTimeAndMode() throws IOException {
    Path file = shard("train.tar");

    write(new WebDatasetShardWriter(CONF, file), TestExamples.three());

    List<TarArchiveEntry> entries = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(local(file)))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        entries.add(e);
      }
    }
    assertThat(entries)
        .hasSize(6)
        .allSatisfy(
            e -> {
              assertThat(e.isFile()).as(e.getName()).isTrue();
              assertThat(e.getModTime().getTime()).as(e.getName()).isZero();
              assertThat(e.getMode()).as(e.getName()).isEqualTo(0100644);
              assertThat(e.getLongUserId()).as(e.getName()).isZero();
              assertThat(e.getLongGroupId()).as(e.getName()).isZero();
              assertThat(e.getUserName()).as(e.getName()).isEmpty();
              assertThat(e.getGroupName()).as(e.getName()).isEmpty();
            });
    byte[] bytes = Files.readAllBytes(local(file));
    // the first header's magic and version: POSIX ustar
    assertThat(Arrays.copyOfRange(bytes, 257, 265))
        .isEqualTo("ustar\u000000".getBytes(StandardCharsets.US_ASCII));
    assertThat(bytes.length % 512).isZero();
  }

  @Test
  void finishReturnsTheLengthAndHashesOfTheFile() throws IOException {
    Path file = shard("train.tar");

    FileDigest digest = write(new WebDatasetShardWriter(CONF, file), TestExamples.three());

    byte[] bytes = Files.readAllBytes(local(file));
    assertThat(digest)
        .isEqualTo(new FileDigest(bytes.length, hex("SHA-256", bytes), hex("MD5", bytes)));
  }

  @Test
  void writesTheSameBytesForTheSameExamples() throws IOException {
    Path first = shard("a/train.tar");
    Path second = shard("b/train.tar");

    write(new WebDatasetShardWriter(CONF, first), TestExamples.three());
    write(new WebDatasetShardWriter(CONF, second), TestExamples.three());

    assertThat(Files.readAllBytes(local(first))).isEqualTo(Files.readAllBytes(local(second)));
  }

  @Test
  void writesAnEmptyArchiveWithoutExamples() throws IOException {
    Path file = shard("train.tar");

    FileDigest digest = new WebDatasetShardWriter(CONF, file).finish();

    assertThat(members(file)).isEmpty();
    byte[] bytes = Files.readAllBytes(local(file));
    assertThat(bytes).containsOnly(0);
    assertThat(digest)
        .isEqualTo(new FileDigest(bytes.length, hex("SHA-256", bytes), hex("MD5", bytes)));
  }

  @Test
  void writesASampleWithEachContentOnceAndItsExamplesImagesAsPositions() throws IOException {
    byte[] frame = {(byte) 0xFF, (byte) 0xD8, 1};
    byte[] other = {(byte) 0x89, 'P', 'N', 'G'};
    Sample sample =
        new Sample(
            "000000007",
            "DC",
            List.of(
                new Sample.SampleImage("DC_IMG_a_0000", "s1", "jpeg", frame),
                new Sample.SampleImage("DC_IMG_a_0001", "s2", "png", other),
                new Sample.SampleImage("DC_IMG_a_0002", "s1", "jpeg", frame)),
            List.of(
                new Sample.Entry(
                    "DC_INS_1",
                    "en",
                    "What happens?",
                    "A dog runs.",
                    List.of(
                        new Example.ContextEntry("DC_INS_2", "Who?", "A dog.", List.of()),
                        new Example.ContextEntry(
                            "DC_INS_9", "Elsewhere?", "No.", List.of("DC_IMG_b_0000"))),
                    List.of("DC_IMG_a_0002", "DC_IMG_a_0000", "DC_IMG_a_0001")),
                new Sample.Entry(
                    "DC_INS_2",
                    "en",
                    "Who?",
                    "A dog.",
                    List.of(),
                    List.of("DC_IMG_a_0000", "DC_IMG_a_0001", "DC_IMG_a_0002"))));
    Path file = shard("train.tar");
    WebDatasetShardWriter writer = new WebDatasetShardWriter(CONF, file);
    writer.write(sample);
    writer.finish();

    Map<String, byte[]> members = members(file);
    assertThat(members.keySet())
        .containsExactly("000000007.0.jpg", "000000007.1.png", "000000007.json");
    assertThat(new String(members.get("000000007.json"), StandardCharsets.US_ASCII))
        .isEqualTo(
            "{\"key\":\"000000007\",\"task\":\"DC\",\"images\":["
                + "{\"image_id\":\"DC_IMG_a_0000\",\"sha256\":\"s1\",\"format\":\"jpeg\","
                + "\"member\":\"000000007.0.jpg\"},"
                + "{\"image_id\":\"DC_IMG_a_0001\",\"sha256\":\"s2\",\"format\":\"png\","
                + "\"member\":\"000000007.1.png\"},"
                + "{\"image_id\":\"DC_IMG_a_0002\",\"sha256\":\"s1\",\"format\":\"jpeg\","
                + "\"member\":\"000000007.0.jpg\"}],"
                + "\"examples\":[{\"ins_id\":\"DC_INS_1\",\"lang\":\"en\","
                + "\"instruction\":\"What happens?\",\"answer\":\"A dog runs.\","
                + "\"context\":[{\"ins_id\":\"DC_INS_2\",\"in_sample\":true},"
                + "{\"ins_id\":\"DC_INS_9\",\"instruction\":\"Elsewhere?\",\"answer\":\"No.\","
                + "\"image_ids\":[\"DC_IMG_b_0000\"]}],\"image_index\":[2,0,1]},"
                + "{\"ins_id\":\"DC_INS_2\",\"lang\":\"en\",\"instruction\":\"Who?\","
                + "\"answer\":\"A dog.\",\"context\":[],\"image_index\":[0,1,2]}]}");
  }

  @Test
  void refusesASampleWhoseExampleUsesAnImageItDoesNotHold() {
    Sample sample =
        new Sample(
            "000000001",
            "DC",
            List.of(new Sample.SampleImage("DC_IMG_a_0000", "s1", "jpeg", new byte[] {1})),
            List.of(
                new Sample.Entry(
                    "DC_INS_1", "en", "Q?", "A.", List.of(), List.of("DC_IMG_z_0009"))));
    WebDatasetShardWriter writer = new WebDatasetShardWriter(CONF, shard("train.tar"));

    assertThatThrownBy(() -> writer.write(sample))
        .hasMessage(
            "Cannot write sample 000000001: example DC_INS_1 uses image DC_IMG_z_0009, which the"
                + " sample does not hold");
    writer.abort();
  }

  @Test
  void abortDeletesTheShard() {
    Path file = shard("train.tar");
    WebDatasetShardWriter writer = new WebDatasetShardWriter(CONF, file);
    writer.write(TestExamples.three().get(0));
    assertThat(local(file)).exists();

    writer.abort();

    assertThat(local(file)).doesNotExist();
  }

  @Test
  void refusesToOverwriteAnExistingShard() throws IOException {
    Path file = shard("train.tar");
    Files.writeString(local(file), "keep");

    assertThatThrownBy(() -> new WebDatasetShardWriter(CONF, file))
        .isInstanceOf(MimicitException.class)
        .hasCauseInstanceOf(FileAlreadyExistsException.class)
        .satisfies(
            e ->
                assertThat(e)
                    .hasMessage(
                        "Cannot create tar shard " + file + ": " + e.getCause().getMessage()));
    assertThat(local(file)).hasContent("keep");
  }

  private Path shard(String relative) {
    return new Path(dir.toString(), relative);
  }

  private static FileDigest write(ShardWriter writer, List<Example> examples) {
    examples.forEach(writer::write);
    return writer.finish();
  }

  /** The archive's members in order: name to content. */
  private static Map<String, byte[]> members(Path file) throws IOException {
    Map<String, byte[]> members = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(local(file));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        assertThat(members.put(e.getName(), tar.readAllBytes())).as(e.getName()).isNull();
      }
    }
    return members;
  }

  private static String hex(String algorithm, byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static java.nio.file.Path local(Path path) {
    return java.nio.file.Path.of(path.toUri().getPath());
  }
}
