package org.mimicit.jobs.sources;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.io.DataFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The driver's side: lists the input once (names and sizes only, no bytes) into work items. */
final class SourceFiles {
  private static final Logger LOG = LoggerFactory.getLogger(SourceFiles.class);

  private SourceFiles() {}

  /**
   * The items of {@code source} under {@code input}, sorted by path, restricted to {@code ids} when
   * not null (an item is kept when its id or its file stem is listed).
   *
   * @throws MimicitException when the input does not exist or holds no file of the layout
   */
  static List<SourceItem> list(
      Configuration conf, SourceLayout source, String input, String task, Set<String> ids) {
    Path root = new Path(input);
    List<SourceLayout.Listed> files = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root) || !fs.getFileStatus(root).isDirectory()) {
        throw new MimicitException(
            "Cannot read input %s: no such folder. Pass the folder of the " + "%s dataset (%s).",
            input, source.optionValue(), source.layout());
      }
      String base = fs.getFileStatus(root).getPath().toUri().getPath();
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        FileStatus f = it.next();
        String path = f.getPath().toUri().getPath();
        String relative = path.substring(Math.min(path.length(), base.length() + 1));
        if (f.isFile() && !hidden(relative)) {
          files.add(new SourceLayout.Listed(relative, f.getPath().toString(), f.getLen()));
        }
      }
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot list input %s: %s", input, e.getMessage());
    }
    files.sort((a, b) -> a.relative().compareTo(b.relative()));
    List<SourceItem> items = source.items(files, task);
    if (files.size() > items.size()) {
      LOG.warn(
          "{}: {} of {} files under {} do not fit the {} layout ({}) and are not read",
          source.optionValue(),
          files.size() - items.size(),
          files.size(),
          input,
          source.optionValue(),
          source.layout());
    }
    if (ids != null) {
      int before = items.size();
      items.removeIf(i -> !ids.contains(i.id()) && !ids.contains(SourceLayout.stem(i.path())));
      LOG.info("{}: {} of {} files are in the id list", source.optionValue(), items.size(), before);
    }
    if (items.isEmpty()) {
      throw new MimicitException(
          "Cannot convert %s: no %s file found under %s (expected %s).",
          input, source.optionValue(), input, source.layout());
    }
    return items;
  }

  /** A name of the path starts with {@code .} or {@code _} (hidden, or Spark/Hadoop's own). */
  private static boolean hidden(String relative) {
    for (String part : relative.split("/")) {
      if (part.startsWith(".") || part.startsWith("_")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The ids of an id list: a text file with one id (or file stem) a line, or a MIMIC-IT
   * instructions JSON file, whose {@code image_ids} are taken (read streaming).
   */
  static Set<String> readIds(Configuration conf, String file) {
    Path path = new Path(file);
    Set<String> ids = new HashSet<>();
    try (InputStream in = DataFiles.fileSystem(path, conf).open(path)) {
      if (file.endsWith(".json")) {
        try (JsonParser p = new JsonFactory().createParser(in)) {
          for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
            if (t == JsonToken.FIELD_NAME
                && "image_ids".equals(p.currentName())
                && p.nextToken() == JsonToken.START_ARRAY) {
              while (p.nextToken() == JsonToken.VALUE_STRING) {
                ids.add(p.getText());
              }
            }
          }
        }
      } else {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          if (!line.isBlank()) {
            ids.add(line.strip());
          }
        }
      }
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read --ids %s: %s", file, e.getMessage());
    }
    LOG.info("Read {} ids from {}", ids.size(), file);
    return ids;
  }
}
