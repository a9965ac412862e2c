package org.mimicit.common.json;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * One sequential pass over an instructions file that finds where records start, so splits can be
 * cut exactly on record boundaries even though free text may hold anything. It tracks only
 * string, escape and nesting state (no parsing), and remembers the first record start at or
 * after each requested boundary: memory is O(boundaries), not O(records).
 *
 * <p>A record is a key of the object under the top-level key {@code "data"}; {@code "meta"} may
 * come before or after it.
 */
public final class RecordIndex {
  /** The result: {@code starts[i]} is the first record start at or after boundary i, or -1. */
  public record Result(long[] starts, long records, boolean dataFound) {}


  private int capturedLength;

  /** Scans a whole file from offset 0; {@code boundaries} must be sorted. */
  public static Result scan(InputStream in, long[] boundaries) throws IOException {
    return new RecordIndex().run(in, boundaries);
  }

  private Result run(InputStream in, long[] boundaries) throws IOException {
    long[] starts = new long[boundaries.length];
    Arrays.fill(starts, -1);
    ByteCursor cur = new ByteCursor(in, 0, 1 << 20);
    int first = cur.skipWhitespace();
    if (first == 0xEF) { // UTF-8 byte order mark
      cur.read();
      cur.read();
      cur.read();
      first = cur.skipWhitespace();
    }
    if (first != '{') {
      throw new ImagesJsonParser.NotAnObjectException(JsonText.describe(first));
    }
    int depth = 0;
    boolean expectKey = false;
    boolean inData = false;
    boolean dataFound = false;
    boolean capturing = false;
    byte[] key = new byte[8];
    int keyLen = 0;
    boolean keyIsData = false;
    long records = 0;
    int next = 0;
    while (cur.fill()) {
      byte[] b = cur.buf;
      int p = cur.pos;
      int lim = cur.limit;
      while (p < lim) {
        int c = b[p++];
        if (c == '"') {
          long at = cur.offset() + (p - 1 - cur.pos);
          if (depth == 2 && inData && expectKey) {
            records++;
            while (next < boundaries.length && boundaries[next] <= at) {
              starts[next++] = at;
            }
          }
          capturing = depth == 1 && expectKey;
          keyLen = 0;
          // skip the string body
          cur.pos = p;
          p = skipString(cur, capturing ? key : null);
          keyLen = capturedLength;
          if (capturing) {
            keyIsData = keyLen == 4 && key[0] == 'd' && key[1] == 'a' && key[2] == 't'
                && key[3] == 'a';
          }
          b = cur.buf;
          lim = cur.limit;
          if (p < 0) {
            return new Result(starts, records, dataFound);
          }
          continue;
        }
        switch (c) {
          case '{' -> {
            depth++;
            expectKey = true;
            if (depth == 2 && keyIsData) {
              inData = true;
              dataFound = true;
            }
          }
          case '[' -> {
            depth++;
            expectKey = false;
          }
          case '}', ']' -> {
            depth--;
            if (depth <= 1) {
              inData = false;
            }
            expectKey = false;
          }
          case ':' -> expectKey = false;
          case ',' -> expectKey = depth <= 2;
          default -> { }
        }
      }
      cur.pos = p;
    }
    return new Result(starts, records, dataFound);
  }

  /**
   * Skips a string body from the cursor (after the opening quote); returns the buffer position
   * after the closing quote, or -1 at end of input. Copies the first bytes into {@code key}.
   */
  private int skipString(ByteCursor cur, byte[] key) throws IOException {
    int n = 0;
    boolean escape = false;
    while (cur.fill()) {
      byte[] b = cur.buf;
      int p = cur.pos;
      int lim = cur.limit;
      while (p < lim) {
        if (key == null && !escape) { // eight bytes at a time while there is no quote or backslash
          while (p + 8 <= lim && !JsonText.hasQuoteOrBackslash(JsonText.longAt(b, p))) {
            p += 8;
          }
          if (p >= lim) {
            break;
          }
        }
        int c = b[p++];
        if (escape) {
          escape = false;
        } else if (c == '\\') {
          escape = true;
        } else if (c == '"') {
          cur.pos = p;
          capturedLength = n;
          return p;
        }
        if (key != null) {
          if (n < key.length) {
            key[n] = (byte) c;
          }
          n++;
        }
      }
      cur.pos = p;
    }
    capturedLength = n;
    return -1;
  }
}
