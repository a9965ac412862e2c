package org.mimicit.common.export;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.io.DataFiles;

/**
 * A WebDataset shard: a POSIX ustar archive whose samples are, per example, its images as {@code
 * <key>.<i>.<ext>} (i = position in the example's image list) followed by {@code <key>.json}
 * (everything but the image bytes; {@code images[i].member} names the image's member). Members come
 * in example order, which is key order. Every member has mtime 0, uid/gid 0, no user or group name
 * and mode 0644, so the same examples give the same bytes. The file is hashed as it is written.
 */
public final class WebDatasetShardWriter implements ShardWriter {
  private static final int BUFFER = 1 << 20;
  private static final int MODE = 0100644;

  private final FileSystem fs;
  private final Path path;
  private final FileDigest.HashingOutputStream hashed;
  private final TarArchiveOutputStream tar;
  private final ByteArrayOutputStream json = new ByteArrayOutputStream();

  public WebDatasetShardWriter(Configuration conf, Path path) {
    this.path = path;
    try {
      this.fs = DataFiles.fileSystem(path, conf);
      this.hashed = new FileDigest.HashingOutputStream(fs.create(path, false, BUFFER));
      this.tar = new TarArchiveOutputStream(hashed);
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot create tar shard %s: %s", path, e.getMessage());
    }
  }

  @Override
  public void write(Example example) {
    try {
      List<Example.Image> images = example.images();
      for (int i = 0; i < images.size(); i++) {
        Example.Image image = images.get(i);
        addMember(member(example.key(), i, image), image.bytes());
      }
      json.reset();
      writeJson(example, json);
      addMember(example.key() + ".json", json.toByteArray());
    } catch (IOException e) {
      throw new MimicitException(
          e, "Cannot write sample %s to %s: %s", example.key(), path, e.getMessage());
    }
  }

  private static String member(String key, int index, Example.Image image) {
    return key + "." + index + "." + image.extension();
  }

  /**
   * Writes a sample of the images-once layout: each distinct image content of the set once as
   * {@code <key>.<i>.<ext>} (i in the order of the set's image ids), then {@code <key>.json}: the
   * key, task, the images ({@code image_id, sha256, format, member}) and the examples ({@code
   * ins_id, lang, instruction, answer, context, image_index}: the example's images as positions in
   * the sample's images, in the example's order). A context entry whose pair is an example of the
   * same sample in the same language is written as {@code {"ins_id", "in_sample": true}}: its text
   * and images are that example's (a video's instructions are each other's context; copying them
   * made the text several times over).
   */
  public void write(Sample sample) {
    try {
      java.util.Map<String, String> members = new java.util.HashMap<>();
      List<String> names = new java.util.ArrayList<>();
      for (Sample.SampleImage image : sample.images()) {
        String name = members.get(image.sha256());
        if (name == null) {
          name =
              sample.key()
                  + "."
                  + members.size()
                  + "."
                  + new Example.Image(image.imageId(), image.format(), null).extension();
          members.put(image.sha256(), name);
          addMember(name, image.bytes());
        }
        names.add(name);
      }
      json.reset();
      writeJson(sample, names, json);
      addMember(sample.key() + ".json", json.toByteArray());
    } catch (IOException e) {
      throw new MimicitException(
          e, "Cannot write sample %s to %s: %s", sample.key(), path, e.getMessage());
    }
  }

  /** The JSON of a sample of the images-once layout, keys in a fixed order. */
  static void writeJson(Sample sample, List<String> members, OutputStream out) throws IOException {
    try (JsonGenerator g = ExportJson.generator(out)) {
      g.writeStartObject();
      g.writeStringField("key", sample.key());
      g.writeStringField("task", sample.task());
      java.util.Map<String, Integer> indexOf = new java.util.HashMap<>();
      g.writeArrayFieldStart("images");
      for (int i = 0; i < sample.images().size(); i++) {
        Sample.SampleImage image = sample.images().get(i);
        indexOf.putIfAbsent(image.imageId(), i);
        g.writeStartObject();
        g.writeStringField("image_id", image.imageId());
        g.writeStringField("sha256", image.sha256());
        g.writeStringField("format", image.format());
        g.writeStringField("member", members.get(i));
        g.writeEndObject();
      }
      g.writeEndArray();
      java.util.Set<String> inSample = new java.util.HashSet<>();
      for (Sample.Entry e : sample.examples()) {
        inSample.add(e.lang() + "\u0000" + e.insId());
      }
      g.writeArrayFieldStart("examples");
      for (Sample.Entry e : sample.examples()) {
        g.writeStartObject();
        g.writeStringField("ins_id", e.insId());
        g.writeStringField("lang", e.lang());
        g.writeStringField("instruction", e.instruction());
        g.writeStringField("answer", e.answer());
        g.writeArrayFieldStart("context");
        for (Example.ContextEntry c : e.context()) {
          if (inSample.contains(e.lang() + "\u0000" + c.insId())) {
            // the same pair in the same language is an example of this sample: named, not copied
            g.writeStartObject();
            g.writeStringField("ins_id", c.insId());
            g.writeBooleanField("in_sample", true);
            g.writeEndObject();
          } else {
            writeContextEntry(g, c);
          }
        }
        g.writeEndArray();
        // positions in the sample's images, not the ids again: eight long ids per example and
        // language were a fifth of a video sample's bytes
        g.writeArrayFieldStart("image_index");
        for (String id : e.imageIds()) {
          Integer index = indexOf.get(id);
          if (index == null) {
            throw new IllegalArgumentException(
                String.format(
                    "Cannot write sample %s: example %s uses image %s, which the sample does"
                        + " not hold",
                    sample.key(), e.insId(), id));
          }
          g.writeNumber(index);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  private static void writeContext(JsonGenerator g, List<Example.ContextEntry> context)
      throws IOException {
    g.writeArrayFieldStart("context");
    for (Example.ContextEntry c : context) {
      writeContextEntry(g, c);
    }
    g.writeEndArray();
  }

  private static void writeContextEntry(JsonGenerator g, Example.ContextEntry c)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("ins_id", c.insId());
    g.writeStringField("instruction", c.instruction());
    g.writeStringField("answer", c.answer());
    g.writeArrayFieldStart("image_ids");
    for (String id : c.imageIds()) {
      g.writeString(id);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private void addMember(String name, byte[] data) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name, true);
    entry.setSize(data.length);
    entry.setModTime(0L);
    entry.setMode(MODE);
    entry.setIds(0, 0);
    entry.setNames("", "");
    tar.putArchiveEntry(entry);
    tar.write(data);
    tar.closeArchiveEntry();
  }

  /** The sample's JSON: the example without image bytes, keys in a fixed order. */
  static void writeJson(Example example, OutputStream out) throws IOException {
    try (JsonGenerator g = ExportJson.generator(out)) {
      g.writeStartObject();
      g.writeStringField("key", example.key());
      g.writeStringField("ins_id", example.insId());
      g.writeStringField("task", example.task());
      g.writeStringField("lang", example.lang());
      g.writeStringField("instruction", example.instruction());
      g.writeStringField("answer", example.answer());
      writeContext(g, example.context());
      g.writeArrayFieldStart("images");
      for (int i = 0; i < example.images().size(); i++) {
        Example.Image image = example.images().get(i);
        g.writeStartObject();
        g.writeStringField("image_id", image.imageId());
        g.writeStringField("format", image.format());
        g.writeStringField("member", member(example.key(), i, image));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  @Override
  public FileDigest finish() {
    try {
      tar.close();
      return hashed.digest();
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot finish tar shard %s: %s", path, e.getMessage());
    }
  }

  @Override
  public void abort() {
    try {
      tar.close();
    } catch (IOException | RuntimeException e) {
      // deleting it anyway
    }
    try {
      fs.delete(path, false);
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot delete aborted tar shard %s", path);
    }
  }
}
