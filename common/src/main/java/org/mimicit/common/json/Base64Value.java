package org.mimicit.common.json;

import java.io.IOException;
import java.util.Arrays;

/**
 * Decodes one base64 JSON string value straight from a {@link ByteCursor}'s buffer into a reused
 * byte array, never through a String: memory is one decoded value, whatever the value size.
 *
 * <p>Standard alphabet, padding optional; escaped or raw line breaks ({@code \n}, {@code \r\n}),
 * white space and escaped slashes ({@code \/}) are accepted anywhere. Whole quads of alphabet
 * characters are decoded four at a time; anything else goes one character at a time.
 */
final class Base64Value {
  private static final int[] DECODE = new int[256];

  static {
    Arrays.fill(DECODE, -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      DECODE[alphabet.charAt(i)] = i;
    }
  }

  // What a character other than a plain alphabet character means; 0..63 is a sextet.
  private static final int SKIP = -1;
  private static final int BAD_ESCAPE = -2;
  private static final int PAD = -3;
  private static final int END = -4;
  private static final int INVALID = -5;

  private byte[] out = new byte[64 * 1024];
  private int length;
  private String invalid;

  /**
   * Decodes the rest of a string value whose opening quote, at file offset {@code start}, the
   * cursor has just passed, up to and including its closing quote.
   *
   * @return true for valid base64 (the bytes are {@code bytes()[0, length())}); false with the
   *     reason in {@link #invalidReason()}, the rest of the string skipped and {@code length()} 0
   * @throws JsonSyntaxException if the string does not end
   */
  boolean decode(ByteCursor cur, long start) throws IOException, JsonSyntaxException {
    int acc = 0;
    int n = 0;
    int len = 0;
    int pad = 0;
    byte[] o = out;
    while (true) {
      if (cur.pos >= cur.limit && !cur.fill()) {
        throw new JsonSyntaxException("unterminated string starting", start);
      }
      byte[] b = cur.buf;
      int p = cur.pos;
      int lim = cur.limit;
      if (o.length - len < (lim - p) + 16) {
        o = Arrays.copyOf(o, Math.max(o.length * 2, len + (lim - p) + 16));
      }
      while (p < lim) {
        if (n == 0 && pad == 0) {
          int q = decodeQuads(b, p, lim, o, len);
          len += (q - p) / 4 * 3;
          p = q;
          if (p >= lim) {
            break;
          }
        }
        int v = DECODE[b[p] & 0xff];
        boolean plain = v >= 0 && pad == 0;
        if (plain) {
          p++;
        } else {
          cur.pos = p + 1;
          v = nonAlphabet(cur, b[p] & 0xff, v, pad, start);
          if (v == END) {
            out = o;
            return finish(acc, n, len);
          } else if (v == INVALID) {
            length = 0;
            JsonText.skipStringBody(cur, start);
            return false;
          } else if (v == PAD) {
            pad++;
          }
        }
        if (v >= 0) {
          acc = (acc << 6) | v;
          if (++n == 4) {
            len = put3(o, len, acc);
            n = 0;
            acc = 0;
          }
        }
        if (!plain) {
          p = cur.pos;
          break; // the slow path may have refilled the buffer: check the capacity again
        }
      }
      cur.pos = p;
    }
  }

  /**
   * Decodes whole quads of alphabet characters from {@code b[p..lim)}; returns where it stopped.
   */
  private static int decodeQuads(byte[] b, int p, int lim, byte[] o, int len) {
    int last = lim - 4;
    while (p <= last) {
      int q =
          (DECODE[b[p] & 0xff] << 18)
              | (DECODE[b[p + 1] & 0xff] << 12)
              | (DECODE[b[p + 2] & 0xff] << 6)
              | DECODE[b[p + 3] & 0xff];
      if (q < 0) {
        break; // a character outside the alphabet (DECODE is -1): take the slow path
      }
      len = put3(o, len, q);
      p += 4;
    }
    return p;
  }

  /** Writes the three bytes of a 24-bit group; returns the new length. */
  private static int put3(byte[] o, int len, int bits) {
    o[len] = (byte) (bits >> 16);
    o[len + 1] = (byte) (bits >> 8);
    o[len + 2] = (byte) bits;
    return len + 3;
  }

  /**
   * What character {@code c} (consumed; {@code v} its alphabet value or -1) means when it is not a
   * plain alphabet character before any padding: a sextet of an escape, {@link #SKIP}, {@link
   * #PAD}, {@link #END}, or {@link #INVALID} with the reason set.
   */
  private int nonAlphabet(ByteCursor cur, int c, int v, int pad, long start)
      throws IOException, JsonSyntaxException {
    if (c == '"') {
      return END;
    } else if (c == '=') {
      return PAD;
    } else if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
      return SKIP; // line breaks (MIME) and stray white space are skipped
    } else if (c == '\\' && (v = escaped(cur, start)) != BAD_ESCAPE) {
      return v >= 0 && pad > 0 ? invalid("base64 data after '=' padding") : v;
    } else if (v >= 0) {
      return invalid("base64 data after '=' padding");
    }
    return invalid(
        "invalid base64 character " + JsonText.describe(c) + " at byte " + (cur.offset() - 1));
  }

  /** The value of an escape inside base64 text: 0..63, {@link #SKIP} or {@link #BAD_ESCAPE}. */
  private static int escaped(ByteCursor cur, long start) throws IOException, JsonSyntaxException {
    int e = cur.read();
    switch (e) {
      case 'n', 'r', 't' -> {
        return SKIP;
      }
      case '/' -> {
        return 63;
      }
      case 'u' -> {
        int cp = JsonText.readHex4(cur, start);
        if (cp == '\n' || cp == '\r' || cp == ' ' || cp == '\t') {
          return SKIP;
        }
        return cp < 128 && DECODE[cp] >= 0 ? DECODE[cp] : BAD_ESCAPE;
      }
      default -> {
        return BAD_ESCAPE;
      }
    }
  }

  private int invalid(String reason) {
    invalid = reason;
    return INVALID;
  }

  private boolean finish(int acc, int n, int len) {
    if (n == 1) {
      length = 0;
      invalid = "base64 text ends with a single character over a multiple of 4";
      return false;
    }
    if (n == 2) {
      out[len++] = (byte) (acc >> 4);
    } else if (n == 3) {
      out[len++] = (byte) (acc >> 10);
      out[len++] = (byte) (acc >> 2);
    }
    length = len;
    return true;
  }

  /** The decoded bytes of the last valid value: {@code [0, length())}, until the next decode. */
  byte[] bytes() {
    return out;
  }

  int length() {
    return length;
  }

  /** Why the last value is not valid base64. */
  String invalidReason() {
    return invalid;
  }
}
