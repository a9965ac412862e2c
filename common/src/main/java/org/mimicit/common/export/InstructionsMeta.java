package org.mimicit.common.export;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;

/**
 * The {@code meta} object of a release instructions file ({@code {"version", "time", "author"}}).
 * The warehouse keeps records, not this object, so export reads it from the file the records came
 * from: streaming, skipping {@code data} without parsing its values, wherever {@code meta} is.
 */
public final class InstructionsMeta {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private InstructionsMeta() {}

  /** The {@code meta} value of the instructions file in {@code in}, or null if it has none. */
  public static JsonNode read(InputStream in) throws IOException {
    try (JsonParser p = MAPPER.getFactory().createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if ("meta".equals(field)) {
          return MAPPER.readTree(p);
        }
        p.skipChildren();
      }
      return null;
    }
  }
}
