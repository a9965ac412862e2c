package org.mimicit.common.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams a {@code <TASK>_train.json} file, {@code {ins_id: [related ins_id, ...]}}, one record at
 * a time with Jackson's streaming parser: memory is one record, whatever the file size.
 */
public final class TrainJsonParser extends RecordParser<TrainJsonParser.Status>
    implements AutoCloseable {
  /** What {@link #next()} found. */
  public enum Status {
    RECORD,
    INVALID_FIELD,
    MALFORMED
  }

  private static final JsonFactory FACTORY =
      JsonFactory.builder().disable(JsonFactory.Feature.INTERN_FIELD_NAMES).build();

  private final JsonParser parser;
  private List<String> related;

  public TrainJsonParser(InputStream in) throws IOException {
    this.parser = FACTORY.createParser(in);
    JsonToken first = parser.nextToken();
    if (first != JsonToken.START_OBJECT) {
      throw new ImagesJsonParser.NotAnObjectException(
          first == null ? "end of input" : first.asString());
    }
  }

  /** Advances to the next record; false at the end of the object. */
  public boolean next() throws IOException {
    if (done) {
      return false;
    }
    id = null;
    detail = null;
    related = null;
    try {
      if (parser.nextToken() != JsonToken.FIELD_NAME) {
        done = true;
        return false;
      }
      offset = parser.currentTokenLocation().getByteOffset();
      id = parser.currentName();
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        String found = parser.currentToken() == null ? "nothing" : parser.currentToken().name();
        parser.skipChildren();
        status = Status.INVALID_FIELD;
        detail =
            "related ids are "
                + found.toLowerCase(java.util.Locale.ROOT)
                + ", expected an array of strings";
        return true;
      }
      related = new ArrayList<>();
      status = Status.RECORD;
      for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
        if (t == JsonToken.VALUE_STRING) {
          related.add(parser.getText());
        } else {
          parser.skipChildren();
          if (status == Status.RECORD) {
            status = Status.INVALID_FIELD;
            detail = "related ids hold a non-string at index " + related.size();
          }
        }
      }
      return true;
    } catch (JsonProcessingException e) {
      return malformed(Status.MALFORMED, e, 0, "; the rest of the file was not read");
    }
  }

  public List<String> related() {
    return related;
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
