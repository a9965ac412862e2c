package org.mimicit.common.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImagesJsonParserTest {
  /** A stream that hands out at most {@code chunk} bytes a read: every buffer boundary is hit. */
  private static InputStream trickle(String json, int chunk) {
    return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, chunk));
      }
    };
  }

  private static List<String> records(String json, int chunk) throws IOException {
    ImagesJsonParser p = new ImagesJsonParser(trickle(json, chunk), 0, 0, Long.MAX_VALUE, true);
    List<String> out = new ArrayList<>();
    while (p.next()) {
      byte[] bytes = Arrays.copyOf(p.bytes(), p.length());
      out.add(
          p.id()
              + "@"
              + p.offset()
              + " "
              + p.status()
              + (p.detail() == null
                  ? " " + Base64.getEncoder().encodeToString(bytes)
                  : ": " + p.detail()));
    }
    return out;
  }

  @Test
  void decodesBase64OfAnyLengthAcrossBufferBoundaries() throws IOException {
    Random random = new Random(3);
    for (int round = 0; round < 300; round++) {
      byte[] data = new byte[random.nextInt(300)];
      random.nextBytes(data);
      String mime =
          Base64.getMimeEncoder(8, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(data);
      String escaped = mime.replace("\r\n", round % 2 == 0 ? "\\n" : "\r\n").replace("/", "\\/");
      String unpadded = escaped.replace("=", "");
      for (int chunk : new int[] {1, 5, 1 << 16}) {
        String expected = "a@1 IMAGE " + Base64.getEncoder().encodeToString(data);
        assertThat(records("{\"a\":\"" + escaped + "\"}", chunk)).containsExactly(expected);
        assertThat(records("{\"a\":\"" + unpadded + "\"}", chunk)).containsExactly(expected);
      }
    }
  }

  @Test
  void acceptsUnicodeEscapesOfAlphabetCharactersAndWhiteSpace() throws IOException {
    assertThat(records("{\"a\": \"\\u0051UJ\\u0020D\"}", 3)).containsExactly("a@1 IMAGE QUJD");
  }

  @Test
  void rejectsInvalidBase64AndReadsOn() throws IOException {
    assertThat(
            records(
                "{\"a\": \"QU!D\", \"b\": \"QQ==QQ\", \"c\": \"QUJDR\", \"d\": \"Q\\x\", \"e\": 7,"
                    + " \"f\": \"QUJD\"}",
                2))
        .containsExactly(
            "a@1 INVALID_BASE64: invalid base64 character '!' at byte 9",
            "b@14 INVALID_BASE64: base64 data after '=' padding",
            "c@29 INVALID_BASE64: base64 text ends with a single character over a multiple of 4",
            "d@43 INVALID_BASE64: invalid base64 character '\\' at byte 51",
            "e@55 NOT_A_STRING: value is a number, expected a base64 string",
            "f@63 IMAGE QUJD");
  }

  @Test
  void reportsBrokenJsonOnceAndResumesAtTheNextRecord() throws IOException {
    assertThat(records("{\"a\": \"QUJD\" \"b\": \"QQ==\", \"c\": \"QUJD\"}", 4))
        .containsExactly(
            "a@1 IMAGE QUJD",
            "null@13 MALFORMED: expected ',' or '}' but found '\"' at byte 13 after record \"a\";"
                + " reading resumes at the next record",
            "b@13 IMAGE QQ==",
            "c@26 IMAGE QUJD");
  }
}
