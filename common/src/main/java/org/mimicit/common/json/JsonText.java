package org.mimicit.common.json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Small JSON lexing helpers over a {@link ByteCursor}: strings with escapes, skipping values. */
final class JsonText {
  private JsonText() {}

  /** Reads a JSON string starting at its opening quote and returns its unescaped value. */
  static String readString(ByteCursor in, ByteArrayOutputStream scratch)
      throws IOException, JsonSyntaxException {
    long start = in.offset();
    expect(in, '"');
    scratch.reset();
    while (true) {
      int c = in.read();
      if (c == ByteCursor.EOF) {
        throw new JsonSyntaxException("unterminated string starting", start);
      } else if (c == '"') {
        return scratch.toString(StandardCharsets.UTF_8);
      } else if (c == '\\') {
        readEscape(in, scratch);
      } else {
        scratch.write(c);
      }
    }
  }

  private static void readEscape(ByteCursor in, ByteArrayOutputStream out)
      throws IOException, JsonSyntaxException {
    long at = in.offset() - 1;
    int e = in.read();
    switch (e) {
      case '"', '\\', '/' -> out.write(e);
      case 'b' -> out.write('\b');
      case 'f' -> out.write('\f');
      case 'n' -> out.write('\n');
      case 'r' -> out.write('\r');
      case 't' -> out.write('\t');
      case 'u' -> {
        int cp = readHex4(in, at);
        if (Character.isHighSurrogate((char) cp) && in.peek() == '\\') {
          in.read();
          if (in.read() != 'u') {
            throw new JsonSyntaxException("invalid escape after high surrogate", at);
          }
          int low = readHex4(in, at);
          cp = Character.toCodePoint((char) cp, (char) low);
        }
        byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        out.write(utf8, 0, utf8.length);
      }
      default -> throw new JsonSyntaxException("invalid escape '\\" + (char) e + "'", at);
    }
  }

  static int readHex4(ByteCursor in, long at) throws IOException, JsonSyntaxException {
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(in.read(), 16);
      if (d < 0) {
        throw new JsonSyntaxException("invalid \\u escape", at);
      }
      v = (v << 4) | d;
    }
    return v;
  }

  static void expect(ByteCursor in, int expected) throws IOException, JsonSyntaxException {
    long at = in.offset();
    int c = in.read();
    if (c != expected) {
      throw new JsonSyntaxException(
          "expected '" + (char) expected + "' but found " + describe(c), at);
    }
  }

  static String describe(int c) {
    if (c == ByteCursor.EOF) {
      return "end of input";
    }
    return c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("byte 0x%02x", c);
  }

  /** Skips one JSON value (any type) and returns the JSON type name of what it skipped. */
  static String skipValue(ByteCursor in) throws IOException, JsonSyntaxException {
    int c = in.skipWhitespace();
    long start = in.offset();
    switch (c) {
      case '"' -> {
        skipString(in);
        return "a string";
      }
      case '{', '[' -> {
        skipNested(in, start);
        return c == '{' ? "an object" : "an array";
      }
      case ByteCursor.EOF ->
          throw new JsonSyntaxException("expected a value but found end of input", start);
      default -> {
        int n = 0;
        while (true) {
          int d = in.peek();
          if (d == ByteCursor.EOF
              || d == ','
              || d == '}'
              || d == ']'
              || d == ' '
              || d == '\n'
              || d == '\r'
              || d == '\t') {
            break;
          }
          in.read();
          n++;
        }
        if (n == 0) {
          throw new JsonSyntaxException("expected a value but found " + describe(c), start);
        }
        return c == 'n' ? "null" : (c == 't' || c == 'f') ? "a boolean" : "a number";
      }
    }
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /** The eight bytes at {@code p}, little-endian. */
  static long longAt(byte[] b, int p) {
    return (long) LONGS.get(b, p);
  }

  /** True when one of the eight bytes of {@code v} is {@code '"'} or {@code '\\'}. */
  static boolean hasQuoteOrBackslash(long v) {
    long q = v ^ (ONES * '"');
    long s = v ^ (ONES * '\\');
    return ((((q - ONES) & ~q) | ((s - ONES) & ~s)) & HIGHS) != 0;
  }

  /** Skips a string whose opening quote is next. */
  static void skipString(ByteCursor in) throws IOException, JsonSyntaxException {
    long start = in.offset();
    in.read();
    skipStringBody(in, start);
  }

  /** Skips the rest of a string whose opening quote (at {@code start}) was read. */
  static void skipStringBody(ByteCursor in, long start) throws IOException, JsonSyntaxException {
    while (in.fill()) {
      byte[] b = in.buf;
      int p = in.pos;
      int lim = in.limit;
      while (p < lim) {
        // Eight bytes at a time while none of them is a quote or a backslash.
        while (p + 8 <= lim && !hasQuoteOrBackslash(longAt(b, p))) {
          p += 8;
        }
        if (p >= lim) {
          break;
        }
        int c = b[p++];
        if (c == '"') {
          in.pos = p;
          return;
        }
        if (c == '\\') {
          in.pos = p;
          if (in.read() == ByteCursor.EOF) {
            break;
          }
          p = in.pos;
          lim = in.limit;
          b = in.buf;
        }
      }
      in.pos = p;
    }
    throw new JsonSyntaxException("unterminated string starting", start);
  }

  private static void skipNested(ByteCursor in, long start)
      throws IOException, JsonSyntaxException {
    int depth = 0;
    while (true) {
      int c = in.peek();
      switch (c) {
        case ByteCursor.EOF -> throw new JsonSyntaxException("unterminated value starting", start);
        case '"' -> skipString(in);
        case '{', '[' -> {
          in.read();
          depth++;
        }
        case '}', ']' -> {
          in.read();
          if (--depth == 0) {
            return;
          }
        }
        default -> in.read();
      }
    }
  }
}
