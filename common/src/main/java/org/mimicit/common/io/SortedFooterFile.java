package org.mimicit.common.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A Parquet output file whose footer lists each column chunk's encodings in a fixed order.
 * Parquet-java gathers them in a {@code HashSet} of enum constants, whose order follows identity
 * hash codes and so changes from one JVM to the next: the same rows would give files that differ in
 * a few footer bytes. The stream passes everything through until {@link #markTail()}; the tail
 * (indexes and footer, kilobytes) is held until close, and the footer is rewritten with the
 * encodings sorted by their code.
 */
final class SortedFooterFile implements OutputFile {
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private final OutputFile file;
  private final boolean digest;
  private TailStream stream;

  /** {@code digest}: hash the file's bytes as they are written ({@link #digest()}). */
  SortedFooterFile(OutputFile file, boolean digest) {
    this.file = file;
    this.digest = digest;
  }

  /** From here on, what is written is the file's tail, held until close. */
  void markTail() {
    stream.tail = new ByteArrayOutputStream();
  }

  /** The length of the finished file. */
  long length() {
    return stream.written;
  }

  /** The SHA-256 and MD5 (hex) of the finished file, or null when not asked to hash it. */
  String[] digest() {
    return stream.hex;
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) throws IOException {
    stream = new TailStream(file.create(blockSizeHint), digest ? new DualDigest() : null);
    return stream;
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
    stream =
        new TailStream(file.createOrOverwrite(blockSizeHint), digest ? new DualDigest() : null);
    return stream;
  }

  @Override
  public boolean supportsBlockSize() {
    return file.supportsBlockSize();
  }

  @Override
  public long defaultBlockSize() {
    return file.defaultBlockSize();
  }

  @Override
  public String getPath() {
    return file.getPath();
  }

  /** The tail with the footer's encodings sorted; unchanged if it does not end in a footer. */
  static byte[] sortEncodings(byte[] tail) throws IOException {
    int n = tail.length;
    if (n < 8 || !Arrays.equals(tail, n - 4, n, MAGIC, 0, 4)) {
      return tail;
    }
    int footerLength =
        (tail[n - 8] & 0xff)
            | (tail[n - 7] & 0xff) << 8
            | (tail[n - 6] & 0xff) << 16
            | (tail[n - 5] & 0xff) << 24;
    int footerStart = n - 8 - footerLength;
    if (footerLength < 0 || footerStart < 0) {
      return tail;
    }
    FileMetaData footer =
        Util.readFileMetaData(new ByteArrayInputStream(tail, footerStart, footerLength));
    for (RowGroup group : footer.getRow_groups()) {
      for (ColumnChunk chunk : group.getColumns()) {
        ColumnMetaData meta = chunk.getMeta_data();
        if (meta != null && meta.getEncodings() != null) {
          List<Encoding> encodings = new ArrayList<>(meta.getEncodings());
          encodings.sort(Comparator.comparingInt(Encoding::getValue));
          meta.setEncodings(encodings);
        }
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(n);
    out.write(tail, 0, footerStart);
    int start = out.size();
    Util.writeFileMetaData(footer, out);
    int length = out.size() - start;
    out.write(
        new byte[] {
          (byte) length, (byte) (length >>> 8), (byte) (length >>> 16), (byte) (length >>> 24)
        });
    out.write(MAGIC);
    return out.toByteArray();
  }

  private static final class TailStream extends PositionOutputStream {
    private final PositionOutputStream out;
    private final DualDigest digest; // of what reaches out, or null
    private ByteArrayOutputStream tail;
    private long pos;
    private long written;
    private String[] hex;
    private boolean closed;

    TailStream(PositionOutputStream out, DualDigest digest) {
      this.out = out;
      this.digest = digest;
    }

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void write(int b) throws IOException {
      pos++;
      if (tail != null) {
        tail.write(b);
      } else {
        out.write(b);
        if (digest != null) {
          digest.update((byte) b);
        }
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      pos += len;
      if (tail != null) {
        tail.write(b, off, len);
      } else {
        out.write(b, off, len);
        if (digest != null) {
          digest.update(b, off, len);
        }
      }
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        written = pos;
        if (tail != null) {
          byte[] sorted = sortEncodings(tail.toByteArray());
          out.write(sorted);
          if (digest != null) {
            digest.update(sorted, 0, sorted.length);
          }
          written = pos - tail.size() + sorted.length;
        }
      } finally {
        out.close();
      }
      if (digest != null) {
        hex = digest.finishHex();
      }
    }
  }
}
