package org.mimicit.common.export;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.io.DataFiles;
import org.mimicit.common.io.DualDigest;
import org.mimicit.common.io.TableParquetWriter;

/** The length, SHA-256 and MD5 of a file, from one read; hashes as lower-case hex. */
public record FileDigest(long bytes, String sha256, String md5) {
  private static final int BUFFER = 1 << 20;

  /** Reads {@code path} once. */
  public static FileDigest of(Path path, Configuration conf) throws IOException {
    try (InputStream in = DataFiles.fileSystem(path, conf).open(path, BUFFER)) {
      return of(in);
    }
  }

  /** Reads {@code in} to its end (does not close it). */
  public static FileDigest of(InputStream in) throws IOException {
    DualDigest digest = new DualDigest();
    byte[] buffer = new byte[BUFFER];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      digest.update(buffer, 0, n);
    }
    return of(digest);
  }

  /**
   * The digest of the one file a {@link TableParquetWriter} built with {@code digest(true)} wrote,
   * after {@code close()}; {@code what} names the file for the error when no row was written (the
   * writer creates its file with the first row: no row, no file).
   */
  static FileDigest ofWritten(TableParquetWriter writer, String what) {
    if (writer.writtenFiles().isEmpty()) {
      throw new IllegalStateException(what);
    }
    TableParquetWriter.WrittenFile file = writer.writtenFiles().get(0);
    return new FileDigest(file.bytes(), file.sha256(), file.md5());
  }

  private static FileDigest of(DualDigest digest) {
    long total = digest.bytes();
    String[] hex = digest.finishHex();
    return new FileDigest(total, hex[0], hex[1]);
  }

  /**
   * An output stream that hashes what it passes on, so a file is hashed as it is written instead of
   * being read again: {@link #digest()} once it is closed.
   */
  public static final class HashingOutputStream extends FilterOutputStream {
    private final DualDigest digest = new DualDigest();

    public HashingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      digest.update((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len); // FilterOutputStream would pass the bytes on one at a time
      digest.update(b, off, len);
    }

    /** The digest of every byte written so far. */
    public FileDigest digest() {
      return of(digest);
    }
  }
}
