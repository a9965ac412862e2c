package org.mimicit.common.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.io.DataFiles;

class ExportManifestTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MD5_A = "0123456789abcdef0123456789abcdef";
  private static final String MD5_B = "fedcba9876543210fedcba9876543210";
  private static final String MD5_C = "00112233445566778899aabbccddeeff";
  private static final String MD5_D = "ffeeddccbbaa99887766554433221100";

  /** Given out of path order, as the export job collects them from its tasks. */
  private static final List<ExportManifest.Entry> ENTRIES =
      List.of(
          new ExportManifest.Entry(
              "webdataset/LA/train-00000-of-00001.tar",
              "webdataset",
              "LA",
              3,
              languages("en", 2, "zh", 1),
              40_960,
              "c".repeat(64),
              MD5_C),
          new ExportManifest.Entry(
              "parquet/LA/train-00001-of-00002.parquet",
              "parquet",
              "LA",
              1,
              languages("zh", 1),
              1_000,
              "b".repeat(64),
              MD5_B),
          new ExportManifest.Entry(
              "parquet/LA/train-00000-of-00002.parquet",
              "parquet",
              "LA",
              2,
              languages("en", 2),
              2_000,
              "a".repeat(64),
              MD5_A),
          new ExportManifest.Entry(
              "LA/LA.json", "mimicit", "LA", 5, languages(), 123, "d".repeat(64), MD5_D));

  @TempDir java.nio.file.Path dir;

  @Test
  void listsItsFilesByPath() {
    assertThat(new ExportManifest(ENTRIES).files())
        .extracting(ExportManifest.Entry::path)
        .containsExactly(
            "LA/LA.json",
            "parquet/LA/train-00000-of-00002.parquet",
            "parquet/LA/train-00001-of-00002.parquet",
            "webdataset/LA/train-00000-of-00001.tar");
  }

  @Test
  void readsBackEveryFieldItWrote() throws IOException {
    ExportManifest manifest = new ExportManifest(ENTRIES);

    manifest.write(fs(), folder());

    ExportManifest read = ExportManifest.read(fs(), folder());
    assertThat(read).isEqualTo(manifest);
    assertThat(read.files().get(3)).isEqualTo(ENTRIES.get(0));
  }

  @Test
  void writesMd5SumsInMd5sumFormatByPath() throws IOException {
    new ExportManifest(ENTRIES).write(fs(), folder());

    assertThat(dir.resolve("export/MD5SUMS"))
        .hasContent(
            MD5_D
                + "  LA/LA.json\n"
                + MD5_A
                + "  parquet/LA/train-00000-of-00002.parquet\n"
                + MD5_B
                + "  parquet/LA/train-00001-of-00002.parquet\n"
                + MD5_C
                + "  webdataset/LA/train-00000-of-00001.tar\n");
  }

  @Test
  void writesFilesAndTotalsPerFormatTaskAndLanguage() throws IOException {
    new ExportManifest(ENTRIES).write(fs(), folder());

    String expected =
        """
        {"files": [
          {"path": "LA/LA.json", "format": "mimicit", "task": "LA", "rows": 5,
           "languages": {}, "bytes": 123, "sha256": "%s", "md5": "%s"},
          {"path": "parquet/LA/train-00000-of-00002.parquet", "format": "parquet", "task": "LA",
           "rows": 2, "languages": {"en": 2}, "bytes": 2000, "sha256": "%s", "md5": "%s"},
          {"path": "parquet/LA/train-00001-of-00002.parquet", "format": "parquet", "task": "LA",
           "rows": 1, "languages": {"zh": 1}, "bytes": 1000, "sha256": "%s", "md5": "%s"},
          {"path": "webdataset/LA/train-00000-of-00001.tar", "format": "webdataset",
           "task": "LA", "rows": 3, "languages": {"en": 2, "zh": 1}, "bytes": 40960,
           "sha256": "%s", "md5": "%s"}],
         "totals": {
          "mimicit": {"LA": {"files": 1, "rows": 5, "bytes": 123, "languages": {}}},
          "parquet": {"LA": {"files": 2, "rows": 3, "bytes": 3000,
                             "languages": {"en": 2, "zh": 1}}},
          "webdataset": {"LA": {"files": 1, "rows": 3, "bytes": 40960,
                                "languages": {"en": 2, "zh": 1}}}}}
        """
            .formatted(
                "d".repeat(64),
                MD5_D,
                "a".repeat(64),
                MD5_A,
                "b".repeat(64),
                MD5_B,
                "c".repeat(64),
                MD5_C);
    assertThat(JSON.readTree(dir.resolve("export/manifest.json").toFile()))
        .isEqualTo(JSON.readTree(expected));
  }

  @Test
  void writesTheSameBytesWhateverTheOrderOfItsEntries() throws IOException {
    Path first = new Path(dir.toString(), "first");
    Path second = new Path(dir.toString(), "second");

    new ExportManifest(ENTRIES).write(fs(), first);
    List<ExportManifest.Entry> reversed = new ArrayList<>(ENTRIES);
    Collections.reverse(reversed);
    new ExportManifest(reversed).write(fs(), second);

    for (String name : List.of(ExportManifest.MANIFEST, ExportManifest.MD5SUMS)) {
      assertThat(Files.readAllBytes(dir.resolve("first").resolve(name)))
          .as(name)
          .isEqualTo(Files.readAllBytes(dir.resolve("second").resolve(name)));
    }
  }

  @Test
  void writesAnEmptyManifestForNoFiles() throws IOException {
    new ExportManifest(List.of()).write(fs(), folder());

    assertThat(JSON.readTree(dir.resolve("export/manifest.json").toFile()))
        .isEqualTo(JSON.readTree("{\"files\": [], \"totals\": {}}"));
    assertThat(dir.resolve("export/MD5SUMS")).isEmptyFile();
    assertThat(ExportManifest.read(fs(), folder()).files()).isEmpty();
  }

  private Path folder() {
    return new Path(dir.toString(), "export");
  }

  private FileSystem fs() throws IOException {
    return DataFiles.fileSystem(folder(), new Configuration());
  }

  private static SortedMap<String, Long> languages(Object... langAndCount) {
    SortedMap<String, Long> languages = new TreeMap<>();
    for (int i = 0; i < langAndCount.length; i += 2) {
      languages.put((String) langAndCount[i], ((Integer) langAndCount[i + 1]).longValue());
    }
    return languages;
  }
}
