package org.mimicit.common.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams the records of one exact byte range of a MIMIC-IT instructions file with Jackson's
 * streaming parser. The range starts on a record key found by {@link RecordIndex}; a synthetic
 * {@code '{'} in front makes it a JSON object Jackson can read. Fields as Python's {@code json}
 * reads them: a repeated field's last value wins; unknown fields are kept as one JSON object.
 */
public final class InstructionsJsonParser extends RecordParser<InstructionsJsonParser.Status>
    implements AutoCloseable {
  /** What {@link #next()} found. */
  public enum Status {
    RECORD,
    MISSING_FIELD,
    INVALID_FIELD,
    MALFORMED
  }

  // Record ids are field names: interning millions of distinct ones would only fill a cache.
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
          .streamReadConstraints(
              StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
          .build();

  private final JsonParser parser;
  private final long start;
  private final long end;
  private final boolean idsOnly;

  private String instruction;
  private String answer;
  private List<String> imageIds;
  private List<String> relInsIds;
  private String extraJson;

  // the record being read: the first invalid field's message, the unknown fields' writer
  private String invalid;
  private StringWriter extra;
  private JsonGenerator gen;

  /**
   * @param in the file positioned at {@code start}, the first record key of the range
   * @param idsOnly skip record values without reading them (only ids and offsets are wanted)
   */
  public InstructionsJsonParser(InputStream in, long start, long end, boolean idsOnly)
      throws IOException {
    this.idsOnly = idsOnly;
    this.parser =
        FACTORY.createParser(
            new SequenceInputStream(new ByteArrayInputStream(new byte[] {'{'}), in));
    this.start = start;
    this.end = end;
    if (start >= end) {
      done = true;
    } else {
      parser.nextToken();
    }
  }

  /** Advances to the next record of the range; false when there is none. */
  public boolean next() throws IOException {
    if (done) {
      return false;
    }
    id = null;
    detail = null;
    try {
      JsonToken t = parser.nextToken();
      if (t != JsonToken.FIELD_NAME) {
        done = true; // end of "data"
        return false;
      }
      offset = start - 1 + parser.currentTokenLocation().getByteOffset();
      if (offset >= end) {
        done = true;
        return false;
      }
      id = parser.currentName();
      t = parser.nextToken();
      if (idsOnly) {
        parser.skipChildren();
        status = Status.RECORD;
        return true;
      }
      if (t != JsonToken.START_OBJECT) {
        parser.skipChildren();
        return fail(Status.INVALID_FIELD, "record is " + describe(t) + ", expected an object");
      }
      readRecord();
      return true;
    } catch (JsonProcessingException e) {
      return malformed(
          Status.MALFORMED,
          e,
          start - 1,
          (id == null ? "" : " (in record \"" + id + "\")")
              + "; the rest of this input split, up to byte "
              + end
              + ", was not read");
    }
  }

  private void readRecord() throws IOException {
    instruction = null;
    answer = null;
    imageIds = null;
    relInsIds = null;
    invalid = null;
    extra = null;
    gen = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken t = parser.nextToken();
      switch (field) {
        case "instruction" -> instruction = readText(field, t);
        case "answer" -> answer = readText(field, t);
        case "image_ids" -> imageIds = readIds(field, t);
        case "rel_ins_ids" -> relInsIds = readIds(field, t);
        default -> copyExtra(field);
      }
    }
    finishRecord();
  }

  /** A text field's value: its string, or null for null or another type (then invalid). */
  private String readText(String field, JsonToken t) throws IOException {
    String text = t == JsonToken.VALUE_STRING ? parser.getText() : null;
    if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NULL && invalid == null) {
      invalid = "field '" + field + "' is " + describe(t) + ", expected a string";
    }
    parser.skipChildren();
    return text;
  }

  /** An ids field's value: its strings, or null for null or a non-array (then invalid). */
  private List<String> readIds(String field, JsonToken t) throws IOException {
    if (t == JsonToken.START_ARRAY) {
      List<String> ids = new ArrayList<>();
      int i = 0;
      for (JsonToken e = parser.nextToken();
          e != JsonToken.END_ARRAY;
          e = parser.nextToken(), i++) {
        if (e == JsonToken.VALUE_STRING) {
          ids.add(parser.getText());
        } else {
          if (invalid == null) {
            invalid =
                "field '"
                    + field
                    + "' has "
                    + describe(e)
                    + " at index "
                    + i
                    + ", expected strings";
          }
          parser.skipChildren();
        }
      }
      return ids;
    }
    if (t != JsonToken.VALUE_NULL) {
      if (invalid == null) {
        invalid = "field '" + field + "' is " + describe(t) + ", expected an array of strings";
      }
      parser.skipChildren();
    }
    return null;
  }

  /** Copies an unknown field into the record's extra JSON object. */
  private void copyExtra(String field) throws IOException {
    if (gen == null) {
      extra = new StringWriter();
      gen = FACTORY.createGenerator(extra);
      gen.writeStartObject();
    }
    gen.writeFieldName(field);
    gen.copyCurrentStructure(parser);
  }

  private void finishRecord() throws IOException {
    if (gen != null) {
      gen.writeEndObject();
      gen.close();
      extraJson = extra.toString();
    } else {
      extraJson = null;
    }
    if (relInsIds == null) {
      relInsIds = List.of();
    }
    String missing =
        instruction == null
            ? "instruction"
            : answer == null ? "answer" : imageIds == null ? "image_ids" : null;
    if (invalid != null) {
      fail(Status.INVALID_FIELD, invalid);
    } else if (missing != null) {
      fail(Status.MISSING_FIELD, "missing field '" + missing + "'");
    } else {
      status = Status.RECORD;
    }
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "end of input";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.asString() == null ? t.name() : t.asString();
    };
  }

  public String instruction() {
    return instruction;
  }

  public String answer() {
    return answer;
  }

  public List<String> imageIds() {
    return imageIds;
  }

  public List<String> relInsIds() {
    return relInsIds;
  }

  /** Unknown fields as one JSON object in input order, or null when there are none. */
  public String extraJson() {
    return extraJson;
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
