package org.mimicit.common.json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Finds record starts in the middle of an images file without knowing what came before.
 *
 * <p>A record start is an unescaped quote that opens a key made of id characters, followed by a
 * colon and a value that opens with a quote. Such a quote can only open an object key: between a
 * closing and an opening quote JSON always has a comma or a colon, which are not id characters, and
 * text inside a string cannot contain an unescaped quote. In an images file every value is a base64
 * string, so the first match at or after an offset is the first record that starts there.
 * Neighbouring splits call the same function on the same bytes, so they agree on the boundary
 * whatever the split size.
 */
public final class KeySync {
  private final ByteCursor cur;
  private final byte[] key = new byte[4096];
  private int keyLength;

  KeySync(ByteCursor cur) {
    this.cur = cur;
  }

  /**
   * Returns the offset of the first record start at or after {@code from} in a stream positioned at
   * {@code streamOffset} (at most {@code from}), or -1 if there is none.
   */
  public static long find(InputStream in, long streamOffset, long from) throws IOException {
    return new KeySync(new ByteCursor(in, streamOffset, 64 * 1024)).next(from, -1);
  }

  /** The key of the last match. */
  String key() {
    return new String(key, 0, keyLength, StandardCharsets.UTF_8);
  }

  /**
   * Scans for the next record start at or after {@code from}; on a match the cursor stands just
   * after the opening quote of the value. {@code prev} is the byte before the cursor, or -1.
   */
  long next(long from, int prev) throws IOException {
    int state = 0; // 0 seek, 1 first key char, 2 key chars, 3 before colon, 4 after colon
    long candidate = -1;
    while (cur.fill()) {
      long at = cur.offset();
      int c = cur.buf[cur.pos++] & 0xff;
      boolean again;
      do {
        again = false;
        switch (state) {
          case 0 -> {
            if (c == '"' && prev != '\\' && at >= from) {
              candidate = at;
              keyLength = 0;
              state = 1;
            }
          }
          case 1, 2 -> {
            if (c == '"' && state == 2) {
              state = 3;
            } else if (isIdChar(c) && keyLength < key.length) {
              key[keyLength++] = (byte) c;
              state = 2;
            } else {
              state = 0;
              again = c == '"'; // the quote that broke the pattern may open the next key
            }
          }
          case 3 -> {
            if (c == ':') {
              state = 4;
            } else if (!isSpace(c)) {
              state = 0;
              again = c == '"';
            }
          }
          default -> {
            if (c == '"') {
              return candidate;
            } else if (!isSpace(c)) {
              state = 0;
            }
          }
        }
      } while (again);
      prev = c;
    }
    return -1;
  }

  private static boolean isSpace(int c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  private static boolean isIdChar(int c) {
    return c > ' ' && c != '"' && c != '\\' && c != ',' && c != ':' && c != '{' && c != '}'
        && c != '[' && c != ']';
  }
}
