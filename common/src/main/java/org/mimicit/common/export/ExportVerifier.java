package org.mimicit.common.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.mimicit.common.io.DataFiles;

/**
 * Checks files against what was published about them: an export against its {@code manifest.json}
 * and {@code MD5SUMS} (every file re-read and re-hashed once), and downloaded release zips against
 * {@link ReleaseChecksums}. Every difference is reported, not only the first.
 */
public final class ExportVerifier {
  /** What was checked: files re-hashed, the good ones, and every difference found. */
  public record Report(int checked, List<String> ok, List<String> problems) {
    public boolean passed() {
      return problems.isEmpty();
    }
  }

  private ExportVerifier() {}

  /** Re-hashes the export in {@code dir} and compares it with its manifest and MD5SUMS. */
  public static Report verifyExport(Configuration conf, Path dir) throws IOException {
    FileSystem fs = DataFiles.fileSystem(dir, conf);
    List<String> ok = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    if (!fs.exists(new Path(dir, ExportManifest.MANIFEST))) {
      problems.add(String.format("%s: missing (is %s an export?)", ExportManifest.MANIFEST, dir));
      return new Report(0, ok, problems);
    }
    ExportManifest manifest = ExportManifest.read(fs, dir);
    Map<String, String> md5sums = readMd5Sums(fs, dir, problems);
    int checked = 0;
    for (ExportManifest.Entry e : manifest.files()) {
      Path file = new Path(dir, e.path());
      if (!fs.exists(file)) {
        md5sums.remove(e.path());
        problems.add(e.path() + ": missing");
        continue;
      }
      FileDigest d = FileDigest.of(file, conf);
      checked++;
      List<String> diffs = new ArrayList<>();
      if (d.bytes() != e.bytes()) {
        diffs.add(String.format("size %d, manifest says %d", d.bytes(), e.bytes()));
      }
      if (!d.sha256().equals(e.sha256())) {
        diffs.add(String.format("sha256 %s, manifest says %s", d.sha256(), e.sha256()));
      }
      String md5 = md5sums.remove(e.path());
      if (md5 == null) {
        diffs.add("not listed in MD5SUMS");
      } else if (!d.md5().equals(md5)) {
        diffs.add(String.format("md5 %s, MD5SUMS says %s", d.md5(), md5));
      }
      if (diffs.isEmpty()) {
        ok.add(e.path());
      } else {
        problems.add(e.path() + ": " + String.join("; ", diffs));
      }
    }
    md5sums.keySet().forEach(p -> problems.add(p + ": in MD5SUMS but not in the manifest"));
    TreeSet<String> listed = new TreeSet<>();
    manifest.files().forEach(e -> listed.add(e.path()));
    for (String path : relativeFiles(fs, dir)) {
      if (!listed.contains(path)
          && !path.equals(ExportManifest.MANIFEST)
          && !path.equals(ExportManifest.MD5SUMS)) {
        problems.add(path + ": not in the manifest");
      }
    }
    return new Report(checked, ok, problems);
  }

  private static Map<String, String> readMd5Sums(FileSystem fs, Path dir, List<String> problems)
      throws IOException {
    Map<String, String> sums = new LinkedHashMap<>();
    Path file = new Path(dir, ExportManifest.MD5SUMS);
    if (!fs.exists(file)) {
      problems.add(ExportManifest.MD5SUMS + ": missing");
      return sums;
    }
    String text;
    try (InputStream in = fs.open(file)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    int lineNo = 0;
    for (String line : text.split("\n")) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      // md5sum: "<32 hex><space><space or *><path>"
      if (line.length() < 35 || !line.substring(0, 32).matches("[0-9a-f]{32}")) {
        problems.add(
            String.format(
                "%s line %d: not '<md5>  <path>': %s", ExportManifest.MD5SUMS, lineNo, line));
        continue;
      }
      sums.put(line.substring(34), line.substring(0, 32));
    }
    return sums;
  }

  private static List<String> relativeFiles(FileSystem fs, Path dir) throws IOException {
    List<String> files = new ArrayList<>();
    String root = fs.getFileStatus(dir).getPath().toUri().getPath();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
    while (it.hasNext()) {
      String path = it.next().getPath().toUri().getPath();
      files.add(path.substring(root.length() + (root.endsWith("/") ? 0 : 1)));
    }
    return files;
  }

  /**
   * Hashes every {@code *.zip} in {@code dir} and looks its MD5 up in the published table: a zip
   * whose MD5 is not published is corrupt, incomplete or not a MIMIC-IT zip.
   */
  public static Report verifyReleaseZips(Configuration conf, Path dir) throws IOException {
    FileSystem fs = DataFiles.fileSystem(dir, conf);
    List<String> ok = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    FileStatus[] zips = fs.globStatus(new Path(dir, "*.zip"));
    if (zips == null || zips.length == 0) {
      problems.add(String.format("%s: no .zip files to check", dir));
      return new Report(0, ok, problems);
    }
    TreeSet<String> names = new TreeSet<>();
    for (FileStatus zip : zips) {
      names.add(zip.getPath().getName());
    }
    for (String name : names) {
      FileDigest d = FileDigest.of(new Path(dir, name), conf);
      Optional<ReleaseChecksums.Zip> match = ReleaseChecksums.byMd5(d.md5());
      if (match.isPresent()) {
        ok.add(
            String.format(
                "%s: MD5 %s matches the published %s", name, d.md5(), match.get().name()));
      } else {
        problems.add(
            String.format(
                "%s: MD5 %s (%d bytes) matches no published MIMIC-IT zip; " + "download it again",
                name, d.md5(), d.bytes()));
      }
    }
    return new Report(names.size(), ok, problems);
  }
}
