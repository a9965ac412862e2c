package org.mimicit.common.json;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * One sequential pass over an instructions file that finds where records start, so splits can be
 * cut exactly on record boundaries even though free text may hold anything. It tracks only string,
 * escape and nesting state (no parsing), and remembers the first record start at or after each
 * requested boundary: memory is O(boundaries), not O(records).
 *
 * <p>A record is a key of the object under the top-level key {@code "data"}; {@code "meta"} may
 * come before or after it.
 */
public final class RecordIndex {
  /** The result: {@code starts[i]} is the first record start at or after boundary i, or -1. */
  public record Result(long[] starts, long records, boolean dataFound) {}

  /**
   * Scans a whole file from offset 0; {@code boundaries} must be sorted.
   *
   * <p>One method on purpose: the loop is a byte state machine whose eleven state variables live in
   * registers. Split into methods, the state would have to go through fields or an object on every
   * string and every structural byte, and this pass reads every byte of multi-GB files.
   */
  public static Result scan(InputStream in, long[] boundaries) throws IOException {
    long[] starts = new long[boundaries.length];
    Arrays.fill(starts, -1);
    ByteCursor cur = new ByteCursor(in, 0, 1 << 20);
    openObject(cur);
    int depth = 0;
    boolean expectKey = false;
    boolean inData = false;
    boolean dataFound = false;
    boolean inString = false;
    boolean escape = false;
    boolean capturing = false; // a key of the top-level object: is it "data"?
    int keyLength = 0;
    boolean keyIsData = false;
    long records = 0;
    int next = 0;
    while (cur.fill()) {
      byte[] b = cur.buf;
      int p = cur.pos;
      int lim = cur.limit;
      long base = cur.offset() - p; // file offset of b[0]
      while (p < lim) {
        if (inString) {
          if (!escape && !capturing) { // eight bytes at a time while there is no quote or backslash
            while (p + 8 <= lim && !JsonText.hasQuoteOrBackslash(JsonText.longAt(b, p))) {
              p += 8;
            }
          }
          while (p < lim) {
            int c = b[p++];
            if (escape) {
              escape = false;
            } else if (c == '\\') {
              escape = true;
            } else if (c == '"') {
              inString = false;
              if (capturing) {
                capturing = false;
                keyIsData = keyLength == 4;
              }
              break;
            }
            if (capturing) { // compare the key with "data" as it comes
              keyLength = keyLength < 4 && c == "data".charAt(keyLength) ? keyLength + 1 : 5;
            }
          }
          continue;
        }
        int c = b[p++];
        switch (c) {
          case '"' -> {
            inString = true;
            if (depth == 2 && inData && expectKey) {
              long at = base + p - 1;
              records++;
              while (next < boundaries.length && boundaries[next] <= at) {
                starts[next++] = at;
              }
            }
            capturing = depth == 1 && expectKey;
            keyLength = 0;
          }
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
          default -> {}
        }
      }
      cur.pos = p;
    }
    return new Result(starts, records, dataFound);
  }

  /** Skips a UTF-8 byte order mark and white space up to the file's opening brace. */
  private static void openObject(ByteCursor cur) throws IOException {
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
  }
}
