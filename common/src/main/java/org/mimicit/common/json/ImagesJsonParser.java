package org.mimicit.common.json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

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
public final class ImagesJsonParser extends RecordParser<ImagesJsonParser.Status> {
  /** What {@link #next()} found. */
  public enum Status {
    IMAGE,
    INVALID_BASE64,
    NOT_A_STRING,
    MALFORMED
  }

  private final ByteCursor cur;
  private final KeySync sync;
  private final long syncEnd;
  private final boolean decode;
  private final ByteArrayOutputStream scratch = new ByteArrayOutputStream();
  private final Base64Value base64 = new Base64Value();

  private final long splitStart;
  private boolean started;
  private long syncedOffset;
  private boolean needSeparator;
  private boolean pendingSyncedKey;

  private String previousId;
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
      if (!started && !start()) {
        return false;
      }
      if (pendingSyncedKey) {
        return readSyncedRecord();
      }
      if (!readSeparator()) {
        return false;
      }
      offset = cur.offset();
      if (offset >= syncEnd) {
        done = true;
        return false;
      }
      readKey();
      readValue();
      needSeparator = true;
      previousId = id;
      return true;
    } catch (JsonSyntaxException e) {
      return malformed(e.getMessage(), e.offset());
    }
  }

  /**
   * The first call: finds the range's first record (a later range) or opens the file's object (the
   * first range). False when the range holds no record.
   */
  private boolean start() throws IOException {
    started = true;
    if (splitStart > 0) {
      return resync(splitStart, -1);
    }
    int c = cur.skipWhitespace();
    if (c != '{') {
      throw new NotAnObjectException(JsonText.describe(c));
    }
    cur.read();
    if (cur.skipWhitespace() == '}') {
      done = true;
      return false;
    }
    return true;
  }

  /** Reads the comma before a record, if one is due; false at the object's closing brace. */
  private boolean readSeparator() throws IOException, JsonSyntaxException {
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
      cur.skipWhitespace();
    }
    return true;
  }

  /** Reads the record's key and the colon after it. */
  private void readKey() throws IOException, JsonSyntaxException {
    int c = cur.peek();
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
  }

  /** Reads the record's value: a base64 string, else a value of another type to skip. */
  private void readValue() throws IOException, JsonSyntaxException {
    if (cur.skipWhitespace() == '"') {
      cur.read();
      readBase64();
    } else {
      fail(
          Status.NOT_A_STRING,
          "value is " + JsonText.skipValue(cur) + ", expected a base64 string");
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

  /** Reads a string value whose opening quote the cursor has just passed. */
  private void readBase64() throws IOException, JsonSyntaxException {
    long start = cur.offset() - 1;
    if (!decode) {
      JsonText.skipStringBody(cur, start);
      status = Status.IMAGE;
    } else if (base64.decode(cur, start)) {
      status = Status.IMAGE;
      length = base64.length();
    } else {
      fail(Status.INVALID_BASE64, base64.invalidReason());
      length = 0;
    }
  }

  /** The decoded bytes: valid in {@code [0, length())} until the next call to {@link #next()}. */
  public byte[] bytes() {
    return base64.bytes();
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
