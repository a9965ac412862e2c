package org.mimicit.common.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What an export holds: {@code manifest.json} (per file: path, format, task, rows, rows per
 * language, bytes, sha256, md5; totals per format, task and language) and {@code MD5SUMS} ({@code
 * md5sum -c} format). Files are listed by path; nothing depends on the clock, so the same export
 * gives the same manifest.
 */
public record ExportManifest(List<Entry> files) {
  public static final String MANIFEST = "manifest.json";
  public static final String MD5SUMS = "MD5SUMS";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * One file of the export.
   *
   * @param path relative to the export folder, with {@code /}
   * @param rows records (images, instructions, relations) or examples (shards)
   * @param languages rows per language; empty for files without text (images, relations)
   */
  public record Entry(
      String path,
      String format,
      String task,
      long rows,
      SortedMap<String, Long> languages,
      long bytes,
      String sha256,
      String md5) {}

  public ExportManifest {
    files = files.stream().sorted(Comparator.comparing(Entry::path)).toList();
  }

  /** Writes {@code manifest.json} and {@code MD5SUMS} into {@code dir}. */
  public void write(FileSystem fs, Path dir) throws IOException {
    try (OutputStream out = fs.create(new Path(dir, MANIFEST), true)) {
      JSON.writeValue(out, toJson());
    }
    StringBuilder sums = new StringBuilder();
    for (Entry e : files) {
      sums.append(e.md5()).append("  ").append(e.path()).append('\n');
    }
    try (OutputStream out = fs.create(new Path(dir, MD5SUMS), true)) {
      out.write(sums.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    var list = root.putArray("files");
    SortedMap<String, SortedMap<String, long[]>> totals = new TreeMap<>();
    Map<String, SortedMap<String, Long>> languageTotals = new TreeMap<>();
    for (Entry e : files) {
      ObjectNode f = list.addObject();
      f.put("path", e.path());
      f.put("format", e.format());
      f.put("task", e.task());
      f.put("rows", e.rows());
      ObjectNode langs = f.putObject("languages");
      e.languages().forEach(langs::put);
      f.put("bytes", e.bytes());
      f.put("sha256", e.sha256());
      f.put("md5", e.md5());
      long[] t =
          totals
              .computeIfAbsent(e.format(), k -> new TreeMap<>())
              .computeIfAbsent(e.task(), k -> new long[3]);
      t[0]++;
      t[1] += e.rows();
      t[2] += e.bytes();
      SortedMap<String, Long> byLang =
          languageTotals.computeIfAbsent(e.format() + "/" + e.task(), k -> new TreeMap<>());
      e.languages().forEach((lang, n) -> byLang.merge(lang, n, Long::sum));
    }
    ObjectNode totalsNode = root.putObject("totals");
    totals.forEach(
        (format, tasks) -> {
          ObjectNode formatNode = totalsNode.putObject(format);
          tasks.forEach(
              (task, t) -> {
                ObjectNode taskNode = formatNode.putObject(task);
                taskNode.put("files", t[0]);
                taskNode.put("rows", t[1]);
                taskNode.put("bytes", t[2]);
                ObjectNode langs = taskNode.putObject("languages");
                languageTotals.get(format + "/" + task).forEach(langs::put);
              });
        });
    return root;
  }

  /** Reads {@code manifest.json} of {@code dir}. */
  public static ExportManifest read(FileSystem fs, Path dir) throws IOException {
    JsonNode root;
    try (InputStream in = fs.open(new Path(dir, MANIFEST))) {
      root = JSON.readTree(in);
    }
    List<Entry> entries = new ArrayList<>();
    for (JsonNode f : root.path("files")) {
      SortedMap<String, Long> langs = new TreeMap<>();
      f.path("languages")
          .fields()
          .forEachRemaining(e -> langs.put(e.getKey(), e.getValue().asLong()));
      entries.add(
          new Entry(
              f.path("path").asText(),
              f.path("format").asText(),
              f.path("task").asText(),
              f.path("rows").asLong(),
              langs,
              f.path("bytes").asLong(),
              f.path("sha256").asText(),
              f.path("md5").asText()));
    }
    return new ExportManifest(entries);
  }
}
