package org.mimicit.common.json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Streams the records {@code image_id: base64} of one byte range of a MIMIC-IT images file and
 * decodes each base64 value straight from the file buffer into bytes, never through a String, so
 * memory per record is one decoded image whatever the file or value size.
 *
 * <p>The range holds the records whose key starts in {@code [splitStart, syncEnd)}, where {@code
 * syncEnd} is {@link KeySync#find} of the range's raw end. Broken JSON is reported as one {@link
 * Status#MALFORMED} record, then reading resumes at the next record start.
 *
 * <p>Base64: standard alphabet, padding optional, escaped or raw line breaks ({@code \n}, {@code
 * \r\n}) and escaped slashes ({@code \/}) are accepted anywhere.
 */
public final class ImagesJsonParser {
  /** What {@link #next()} found. */
  public enum Status {
    IMAGE,
    INVALID_BASE64,
    NOT_A_STRING,
    MALFORMED
  }

  private static final int[] DECODE = new int[256];

  static {
    Arrays.fill(DECODE, -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      DECODE[alphabet.charAt(i)] = i;
    }
  }

  private final ByteCursor cur;
  private final KeySync sync;
  private final long syncEnd;
  private final boolean decode;
  private final ByteArrayOutputStream scratch = new ByteArrayOutputStream();

  private final long splitStart;
  private boolean done;
  private boolean started;
  private long syncedOffset;
  private boolean needSeparator;
  private boolean pendingSyncedKey;

  private String id;
  private String previousId;
  private long offset;
  private Status status;
  private String detail;
  private byte[] out = new byte[64 * 1024];
  private int length;

  /**
   * @param in the file, positioned at {@code streamOffset}: 0 for the first range, else one byte
   *     before {@code splitStart}
   * @param decode false to skip values without decoding (only ids and offsets are wanted)
   */
  public ImagesJsonParser(
      InputStream in, long streamOffset, long splitStart, long syncEnd, boolean decode) {
    this.cur = new ByteCursor(in, streamOffset, 256 * 1024);
    this.sync = new KeySync(cur);
    this.syncEnd = syncEnd;
    this.decode = decode;
    this.splitStart = splitStart;
  }

  /** Advances to the next record of the range; false when there is none. */
  public boolean next() throws IOException {
    if (done) {
      return false;
    }
    id = null;
    detail = null;
    length = 0;
    try {
      if (!started && splitStart > 0) {
        started = true;
        if (!resync(splitStart, -1)) {
          return false;
        }
      } else if (!started) {
        started = true;
        int c = cur.skipWhitespace();
        if (c != '{') {
          throw new NotAnObjectException(JsonText.describe(c));
        }
        cur.read();
        if (cur.skipWhitespace() == '}') {
          done = true;
          return false;
        }
      }
      if (pendingSyncedKey) {
        return readSyncedRecord();
      }
      int c = cur.skipWhitespace();
      if (needSeparator) {
        if (c == '}') {
          done = true;
          return false;
        }
        if (c != ',') {
          throw new JsonSyntaxException(
              "expected ',' or '}' but found " + JsonText.describe(c), cur.offset());
        }
        cur.read();
        c = cur.skipWhitespace();
      }
      offset = cur.offset();
      if (offset >= syncEnd) {
        done = true;
        return false;
      }
      if (c != '"') {
        throw new JsonSyntaxException("expected a key but found " + JsonText.describe(c), offset);
      }
      id = JsonText.readString(cur, scratch);
      if (cur.skipWhitespace() != ':') {
        throw new JsonSyntaxException(
            "expected ':' after key \"" + id + "\" but found " + JsonText.describe(cur.peek()),
            cur.offset());
      }
      cur.read();
      if (cur.skipWhitespace() == '"') {
        cur.read();
        readBase64();
      } else {
        status = Status.NOT_A_STRING;
        detail = "value is " + JsonText.skipValue(cur) + ", expected a base64 string";
      }
      needSeparator = true;
      previousId = id;
      return true;
    } catch (JsonSyntaxException e) {
      return malformed(e.getMessage(), e.offset());
    }
  }

  private boolean readSyncedRecord() throws IOException, JsonSyntaxException {
    pendingSyncedKey = false;
    offset = syncedOffset;
    id = sync.key();
    if (offset >= syncEnd) {
      done = true;
      return false;
    }
    readBase64();
    needSeparator = true;
    previousId = id;
    return true;
  }

  private boolean resync(long from, int prev) throws IOException {
    long found = sync.next(from, prev);
    if (found < 0 || found >= syncEnd) {
      done = true;
      return false;
    }
    syncedOffset = found;
    pendingSyncedKey = true;
    needSeparator = false;
    return true;
  }

  private boolean malformed(String message, long at) throws IOException {
    status = Status.MALFORMED;
    offset = at;
    detail =
        message
            + (id != null
                ? " in record \"" + id + "\""
                : previousId != null ? " after record \"" + previousId + "\"" : "")
            + "; reading resumes at the next record";
    length = 0;
    needSeparator = false;
    if (!resync(cur.offset(), -1)) {
      done = true;
    }
    return true;
  }

  private void readBase64() throws IOException, JsonSyntaxException {
    long start = cur.offset() - 1;
    if (!decode) {
      JsonText.skipStringBody(cur, start);
      status = Status.IMAGE;
      return;
    }
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
          // Fast path: whole quads of alphabet characters, four at a time.
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
            o[len] = (byte) (q >> 16);
            o[len + 1] = (byte) (q >> 8);
            o[len + 2] = (byte) q;
            len += 3;
            p += 4;
          }
          if (p >= lim) {
            break;
          }
        }
        int c = b[p] & 0xff;
        int v = DECODE[c];
        if (v >= 0 && pad == 0) {
          p++;
          acc = (acc << 6) | v;
          if (++n == 4) {
            o[len] = (byte) (acc >> 16);
            o[len + 1] = (byte) (acc >> 8);
            o[len + 2] = (byte) acc;
            len += 3;
            n = 0;
            acc = 0;
          }
          continue;
        }
        cur.pos = p + 1;
        if (c == '"') {
          out = o;
          finishBase64(acc, n, len, pad, start);
          return;
        } else if (c == '=') {
          pad++;
        } else if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
          // line breaks (MIME) and stray white space are skipped
        } else if (c == '\\' && (v = escapedBase64(start)) != -2) {
          if (v >= 0) {
            if (pad > 0) {
              invalid("base64 data after '=' padding", start);
              return;
            }
            acc = (acc << 6) | v;
            if (++n == 4) {
              o[len] = (byte) (acc >> 16);
              o[len + 1] = (byte) (acc >> 8);
              o[len + 2] = (byte) acc;
              len += 3;
              n = 0;
              acc = 0;
            }
          }
        } else if (v >= 0) {
          invalid("base64 data after '=' padding", start);
          return;
        } else {
          invalid(
              "invalid base64 character " + JsonText.describe(c) + " at byte " + (cur.offset() - 1),
              start);
          return;
        }
        p = cur.pos;
        break; // the slow path may have refilled the buffer: check the capacity again
      }
      cur.pos = p;
    }
  }

  /** The value of an escape inside base64 text: 0..63, -1 to skip, -2 when invalid. */
  private int escapedBase64(long start) throws IOException, JsonSyntaxException {
    int e = cur.read();
    switch (e) {
      case 'n', 'r', 't' -> {
        return -1;
      }
      case '/' -> {
        return 63;
      }
      case 'u' -> {
        int cp = JsonText.readHex4(cur, start);
        if (cp == '\n' || cp == '\r' || cp == ' ' || cp == '\t') {
          return -1;
        }
        return cp < 128 && DECODE[cp] >= 0 ? DECODE[cp] : -2;
      }
      default -> {
        return -2;
      }
    }
  }

  private void finishBase64(int acc, int n, int len, int pad, long start) {
    if (n == 1) {
      status = Status.INVALID_BASE64;
      detail = "base64 text ends with a single character over a multiple of 4";
      length = 0;
      return;
    }
    if (n == 2) {
      out[len++] = (byte) (acc >> 4);
    } else if (n == 3) {
      out[len++] = (byte) (acc >> 10);
      out[len++] = (byte) (acc >> 2);
    }
    status = Status.IMAGE;
    length = len;
  }

  private void invalid(String message, long start) throws IOException, JsonSyntaxException {
    status = Status.INVALID_BASE64;
    detail = message;
    length = 0;
    JsonText.skipStringBody(cur, start);
  }

  public String id() {
    return id;
  }

  /** File offset of the record's key (its opening quote), or of the syntax error. */
  public long offset() {
    return offset;
  }

  public Status status() {
    return status;
  }

  /** Why the record is not an image; null for {@link Status#IMAGE}. */
  public String detail() {
    return detail;
  }

  /** The decoded bytes: valid in {@code [0, length())} until the next call to {@link #next()}. */
  public byte[] bytes() {
    return out;
  }

  public int length() {
    return length;
  }

  /** The file does not start with a JSON object: it cannot be read as a whole. */
  public static final class NotAnObjectException extends IOException {
    NotAnObjectException(String found) {
      super("expected a JSON object '{' at the start of the file but found " + found);
    }
  }
}
