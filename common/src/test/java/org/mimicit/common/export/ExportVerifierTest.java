package org.mimicit.common.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.io.DataFiles;
import org.mimicit.common.testing.TestExamples;

/** A small real export (two shards and a release-layout file) checked after damaging it. */
class ExportVerifierTest {
  private static final Configuration CONF = new Configuration();
  private static final String JSON_FILE = "LA/LA_instructions.json";
  private static final String PARQUET = "parquet/LA/train-00000-of-00001.parquet";
  private static final String TAR = "webdataset/LA/train-00000-of-00001.tar";

  @TempDir java.nio.file.Path root;
  private java.nio.file.Path export;
  private Path dir;

  /** The digests the manifest holds, by path. */
  private final TreeMap<String, FileDigest> published = new TreeMap<>();

  @BeforeEach
  void writeExport() throws IOException {
    export = root.resolve("export");
    dir = new Path(export.toString());
    List<Example> examples = TestExamples.three();
    List<ExportManifest.Entry> entries = new ArrayList<>();
    entries.add(
        entry(
            PARQUET,
            "parquet",
            write(new ParquetShardWriter(CONF, new Path(dir, PARQUET), 1 << 20), examples)));
    entries.add(
        entry(
            TAR,
            "webdataset",
            write(new WebDatasetShardWriter(CONF, new Path(dir, TAR)), examples)));
    Files.createDirectories(export.resolve("LA"));
    Files.writeString(export.resolve(JSON_FILE), "{\"meta\":{},\"data\":{}}");
    entries.add(entry(JSON_FILE, "mimicit", FileDigest.of(new Path(dir, JSON_FILE), CONF)));
    new ExportManifest(entries).write(DataFiles.fileSystem(dir, CONF), dir);
  }

  @Test
  void passesAnExportThatMatchesItsManifest() throws IOException {
    ExportVerifier.Report report = ExportVerifier.verifyExport(CONF, dir);

    assertThat(report)
        .isEqualTo(new ExportVerifier.Report(3, List.of(JSON_FILE, PARQUET, TAR), List.of()));
    assertThat(report.passed()).isTrue();
  }

  @Test
  void reportsAFlippedByteWithBothHashes() throws IOException {
    flipByte(TAR, 700);
    FileDigest now = FileDigest.of(new Path(dir, TAR), CONF);

    ExportVerifier.Report report = ExportVerifier.verifyExport(CONF, dir);

    FileDigest was = published.get(TAR);
    assertThat(report)
        .isEqualTo(
            new ExportVerifier.Report(
                3,
                List.of(JSON_FILE, PARQUET),
                List.of(
                    TAR
                        + ": sha256 "
                        + now.sha256()
                        + ", manifest says "
                        + was.sha256()
                        + "; md5 "
                        + now.md5()
                        + ", MD5SUMS says "
                        + was.md5())));
    assertThat(report.passed()).isFalse();
  }

  @Test
  void reportsAFileOfAnotherSize() throws IOException {
    Files.writeString(export.resolve(JSON_FILE), "\n", StandardOpenOption.APPEND);
    FileDigest now = FileDigest.of(new Path(dir, JSON_FILE), CONF);

    ExportVerifier.Report report = ExportVerifier.verifyExport(CONF, dir);

    FileDigest was = published.get(JSON_FILE);
    assertThat(report.problems())
        .containsExactly(
            JSON_FILE
                + ": size "
                + (was.bytes() + 1)
                + ", manifest says "
                + was.bytes()
                + "; sha256 "
                + now.sha256()
                + ", manifest says "
                + was.sha256()
                + "; md5 "
                + now.md5()
                + ", MD5SUMS says "
                + was.md5());
    assertThat(report.ok()).containsExactly(PARQUET, TAR);
  }

  @Test
  void reportsAMissingFile() throws IOException {
    Files.delete(export.resolve(PARQUET));

    ExportVerifier.Report report = ExportVerifier.verifyExport(CONF, dir);

    assertThat(report)
        .isEqualTo(
            new ExportVerifier.Report(2, List.of(JSON_FILE, TAR), List.of(PARQUET + ": missing")));
  }

  @Test
  void reportsAFileThatIsNotInTheManifest() throws IOException {
    Files.writeString(export.resolve("webdataset/LA/notes.txt"), "extra");

    ExportVerifier.Report report = ExportVerifier.verifyExport(CONF, dir);

    assertThat(report)
        .isEqualTo(
            new ExportVerifier.Report(
                3,
                List.of(JSON_FILE, PARQUET, TAR),
                List.of("webdataset/LA/notes.txt: not in the manifest")));
    assertThat(report.passed()).isFalse();
  }

  @Test
  void reportsEveryDifferenceNotOnlyTheFirst() throws IOException {
    flipByte(JSON_FILE, 3);
    FileDigest now = FileDigest.of(new Path(dir, JSON_FILE), CONF);
    Files.delete(export.resolve(TAR));
    Files.writeString(export.resolve("extra.bin"), "x");

    ExportVerifier.Report report = ExportVerifier.verifyExport(CONF, dir);

    FileDigest was = published.get(JSON_FILE);
    assertThat(report)
        .isEqualTo(
            new ExportVerifier.Report(
                2,
                List.of(PARQUET),
                List.of(
                    JSON_FILE
                        + ": sha256 "
                        + now.sha256()
                        + ", manifest says "
                        + was.sha256()
                        + "; md5 "
                        + now.md5()
                        + ", MD5SUMS says "
                        + was.md5(),
                    TAR + ": missing",
                    "extra.bin: not in the manifest")));
  }

  @Test
  void reportsAFolderWithoutManifest() throws IOException {
    Files.delete(export.resolve(ExportManifest.MANIFEST));

    assertThat(ExportVerifier.verifyExport(CONF, dir))
        .isEqualTo(
            new ExportVerifier.Report(
                0, List.of(), List.of("manifest.json: missing (is " + dir + " an export?)")));
  }

  @Test
  void reportsAMissingMd5SumsAndEveryFileItShouldList() throws IOException {
    Files.delete(export.resolve(ExportManifest.MD5SUMS));

    assertThat(ExportVerifier.verifyExport(CONF, dir))
        .isEqualTo(
            new ExportVerifier.Report(
                3,
                List.of(),
                List.of(
                    "MD5SUMS: missing",
                    JSON_FILE + ": not listed in MD5SUMS",
                    PARQUET + ": not listed in MD5SUMS",
                    TAR + ": not listed in MD5SUMS")));
  }

  @Test
  void reportsMd5SumsLinesThatDisagreeWithTheFiles() throws IOException {
    String zeros = "0".repeat(32);
    Files.writeString(
        export.resolve(ExportManifest.MD5SUMS),
        published.get(JSON_FILE).md5()
            + "  "
            + JSON_FILE
            + "\n"
            + "not a checksum line\n"
            + zeros
            + "  "
            + PARQUET
            + "\n"
            + "\n"
            + zeros
            + "  gone.bin\n");

    ExportVerifier.Report report = ExportVerifier.verifyExport(CONF, dir);

    assertThat(report)
        .isEqualTo(
            new ExportVerifier.Report(
                3,
                List.of(JSON_FILE),
                List.of(
                    "MD5SUMS line 2: not '<md5>  <path>': not a checksum line",
                    PARQUET + ": md5 " + published.get(PARQUET).md5() + ", MD5SUMS says " + zeros,
                    TAR + ": not listed in MD5SUMS",
                    "gone.bin: in MD5SUMS but not in the manifest")));
  }

  @Test
  void reportsZipsWhoseMd5IsNotPublished() throws IOException {
    java.nio.file.Path downloads = Files.createDirectory(root.resolve("downloads"));
    Files.writeString(downloads.resolve("TVC.zip"), "not a zip");
    Files.writeString(downloads.resolve("README.txt"), "not looked at");
    FileDigest zip = FileDigest.of(new Path(downloads.resolve("TVC.zip").toString()), CONF);

    ExportVerifier.Report report =
        ExportVerifier.verifyReleaseZips(CONF, new Path(downloads.toString()));

    assertThat(report)
        .isEqualTo(
            new ExportVerifier.Report(
                1,
                List.of(),
                List.of(
                    "TVC.zip: MD5 "
                        + zip.md5()
                        + " (9 bytes) matches no published MIMIC-IT zip; "
                        + "download it again")));
  }

  @Test
  void reportsAFolderWithoutZips() throws IOException {
    Path downloads = new Path(Files.createDirectory(root.resolve("downloads")).toString());

    assertThat(ExportVerifier.verifyReleaseZips(CONF, downloads))
        .isEqualTo(
            new ExportVerifier.Report(
                0, List.of(), List.of(downloads + ": no .zip files to check")));
  }

  private ExportManifest.Entry entry(String path, String format, FileDigest digest) {
    published.put(path, digest);
    return new ExportManifest.Entry(
        path, format, "LA", 3, new TreeMap<>(), digest.bytes(), digest.sha256(), digest.md5());
  }

  private static FileDigest write(ShardWriter writer, List<Example> examples) {
    examples.forEach(writer::write);
    return writer.finish();
  }

  private void flipByte(String path, long offset) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(export.resolve(path).toFile(), "rw")) {
      file.seek(offset);
      int b = file.read();
      file.seek(offset);
      file.write(b ^ 0x01);
    }
  }
}
