package org.mimicit.common.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The JSON output of exports: UTF-8 with every non-ASCII character written as a {@code \\uXXXX}
 * escape (a surrogate pair as two), as Python's {@code json.dump} does by default and as the
 * MIMIC-IT release files are written; so every export file is plain ASCII and reads back as the
 * same JSON values.
 */
public final class ExportJson {
  public static final JsonFactory FACTORY =
      JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private ExportJson() {}

  /** A generator over {@code out} that closes {@code out} when closed. */
  public static JsonGenerator generator(OutputStream out) throws IOException {
    return FACTORY.createGenerator(out);
  }
}
