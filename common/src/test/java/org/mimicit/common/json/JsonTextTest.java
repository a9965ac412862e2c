package org.mimicit.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTextTest {
  private static ByteCursor cursor(String text, int bufferSize) {
    return new ByteCursor(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 0, bufferSize);
  }

  @Test
  void findsQuotesAndBackslashesInEveryBytePosition() {
    for (int i = 0; i < 8; i++) {
      for (char c : new char[] {'"', '\\'}) {
        long v = 0x4141414141414141L; // "AAAAAAAA"
        v = (v & ~(0xffL << (8 * i))) | ((long) c << (8 * i));
        assertThat(JsonText.hasQuoteOrBackslash(v)).as("%s at %s", c, i).isTrue();
      }
    }
    assertThat(JsonText.hasQuoteOrBackslash(0x4141414141414141L)).isFalse();
    assertThat(JsonText.hasQuoteOrBackslash(0xe2e2e2e2e2e2e2e2L)).isFalse(); // UTF-8 high bytes
    assertThat(JsonText.hasQuoteOrBackslash(0x2323232323232323L)).isFalse(); // '#' = '"' + 1
    assertThat(JsonText.hasQuoteOrBackslash(0x5b5b5d5d21212121L)).isFalse(); // neighbours
  }

  @Test
  void skipsStringsOfAnyLengthAcrossBufferBoundaries() throws Exception {
    Random random = new Random(7);
    for (int round = 0; round < 500; round++) {
      StringBuilder body = new StringBuilder();
      int length = random.nextInt(200);
      for (int i = 0; i < length; i++) {
        int kind = random.nextInt(20);
        body.append(kind == 0 ? "\\\"" : kind == 1 ? "\\\\" : kind == 2 ? "é" : "x");
      }
      String text = "\"" + body + "\"NEXT";
      ByteCursor cur = cursor(text, 1 + random.nextInt(17));
      JsonText.skipString(cur);
      assertThat(cur.read()).as(text).isEqualTo('N');
    }
  }

  @Test
  void reportsAnUnterminatedString() {
    assertThatThrownBy(() -> JsonText.skipString(cursor("\"abcdefghijklmnop\\\"", 4)))
        .isInstanceOf(JsonSyntaxException.class)
        .hasMessage("unterminated string starting at byte 0");
  }
}
