package org.mimicit.common.json;

import java.io.IOException;
import java.io.InputStream;

/**
 * A buffered, forward-only view of a byte stream that knows the absolute file offset of every byte.
 * The parsers read the buffer fields directly in their hot loops.
 */
final class ByteCursor {
  static final int EOF = -1;

  private final InputStream in;
  final byte[] buf;
  int pos;
  int limit;

  /** File offset of {@code buf[0]}. */
  private long bufStart;

  ByteCursor(InputStream in, long startOffset, int bufferSize) {
    this.in = in;
    this.buf = new byte[bufferSize];
    this.bufStart = startOffset;
  }

  /** File offset of the next byte. */
  long offset() {
    return bufStart + pos;
  }

  /** Makes at least one byte available; false at end of stream. */
  boolean fill() throws IOException {
    if (pos < limit) {
      return true;
    }
    bufStart += limit;
    pos = 0;
    limit = 0;
    int n;
    do {
      n = in.read(buf, 0, buf.length);
    } while (n == 0);
    if (n < 0) {
      return false;
    }
    limit = n;
    return true;
  }

  int peek() throws IOException {
    return fill() ? buf[pos] & 0xff : EOF;
  }

  int read() throws IOException {
    return fill() ? buf[pos++] & 0xff : EOF;
  }

  /** Skips JSON white space; returns the next byte without consuming it, or EOF. */
  int skipWhitespace() throws IOException {
    while (fill()) {
      int c = buf[pos] & 0xff;
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return c;
      }
      pos++;
    }
    return EOF;
  }
}
