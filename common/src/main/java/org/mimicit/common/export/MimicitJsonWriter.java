package org.mimicit.common.export;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the MIMIC-IT release files, streaming: records are taken one at a time from an iterator
 * and written through one {@link JsonGenerator} (see {@link ExportJson} for the text encoding), so
 * a file of any size never sits in memory; image bytes are base64-encoded in chunks straight from
 * the bytes (standard alphabet, padded, no line breaks). Keys come in the iterator's order.
 */
public final class MimicitJsonWriter {
  private static final Logger LOG = LoggerFactory.getLogger(MimicitJsonWriter.class);
  private static final ObjectMapper MAPPER = new ObjectMapper(ExportJson.FACTORY);
  private static final long PROGRESS_NANOS = 10_000_000_000L;

  /** An image: {@code "<imageId>": "<base64 of bytes>"}. */
  public record ImageRecord(String imageId, byte[] bytes) {}

  /**
   * An instruction record: the four release fields, then the fields of {@code extraJson} (a JSON
   * object or null) in their order.
   */
  public record InstructionRecord(
      String insId,
      String instruction,
      String answer,
      List<String> imageIds,
      List<String> relInsIds,
      String extraJson) {}

  /** A train relation: {@code "<insId>": [related ids]}. */
  public record TrainRecord(String insId, List<String> related) {}

  private MimicitJsonWriter() {}

  /** {@code <TASK>.json}: {@code {image_id: base64}}; returns the number of images. */
  public static long writeImages(OutputStream out, String name, Iterator<ImageRecord> images)
      throws IOException {
    try (JsonGenerator g = ExportJson.generator(out)) {
      return writeObject(
          g,
          name,
          images,
          (gen, image) -> {
            gen.writeFieldName(image.imageId());
            gen.writeBinary(
                Base64Variants.MIME_NO_LINEFEEDS,
                new ByteArrayInputStream(image.bytes()),
                image.bytes().length);
          });
    }
  }

  /**
   * {@code <TASK>_instructions[_<lang>].json}: {@code {"meta": meta, "data": {ins_id: record}}};
   * returns the number of records.
   */
  public static long writeInstructions(
      OutputStream out, String name, JsonNode meta, Iterator<InstructionRecord> records)
      throws IOException {
    try (JsonGenerator g = ExportJson.generator(out)) {
      g.setCodec(MAPPER);
      g.writeStartObject();
      g.writeFieldName("meta");
      g.writeTree(meta);
      g.writeFieldName("data");
      long count =
          writeObject(
              g,
              name,
              records,
              (gen, r) -> {
                gen.writeObjectFieldStart(r.insId());
                gen.writeStringField("instruction", r.instruction());
                gen.writeStringField("answer", r.answer());
                writeStrings(gen, "image_ids", r.imageIds());
                writeStrings(gen, "rel_ins_ids", r.relInsIds());
                if (r.extraJson() != null) {
                  copyFields(gen, r.extraJson());
                }
                gen.writeEndObject();
              });
      g.writeEndObject();
      return count;
    }
  }

  /** {@code <TASK>_train.json}: {@code {ins_id: [related ids]}}; returns the number of records. */
  public static long writeTrain(OutputStream out, String name, Iterator<TrainRecord> records)
      throws IOException {
    try (JsonGenerator g = ExportJson.generator(out)) {
      return writeObject(g, name, records, (gen, r) -> writeStrings(gen, r.insId(), r.related()));
    }
  }

  /** Writes one member of an object being written. */
  private interface MemberWriter<T> {
    void write(JsonGenerator g, T record) throws IOException;
  }

  /** Writes an object of one member per record, logging progress; returns the record count. */
  private static <T> long writeObject(
      JsonGenerator g, String name, Iterator<T> records, MemberWriter<T> member)
      throws IOException {
    g.writeStartObject();
    Progress progress = new Progress(name);
    while (records.hasNext()) {
      member.write(g, records.next());
      progress.add();
    }
    g.writeEndObject();
    return progress.done();
  }

  private static void writeStrings(JsonGenerator g, String field, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (String value : values) {
      g.writeString(value);
    }
    g.writeEndArray();
  }

  /** Writes the fields of the JSON object {@code json} into the open object, in their order. */
  private static void copyFields(JsonGenerator g, String json) throws IOException {
    try (JsonParser p = ExportJson.FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("extra_json is not a JSON object: " + json);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        g.writeFieldName(p.currentName());
        p.nextToken();
        g.copyCurrentStructure(p);
      }
    }
  }

  /** Logs the records written at a steady interval, for files that take long. */
  private static final class Progress {
    private final String name;
    private long count;
    private long last = System.nanoTime();

    Progress(String name) {
      this.name = name;
    }

    void add() {
      if ((++count & 1023) == 0 && System.nanoTime() - last > PROGRESS_NANOS) {
        last = System.nanoTime();
        LOG.info("{}: {} records written", name, count);
      }
    }

    long done() {
      return count;
    }
  }
}
