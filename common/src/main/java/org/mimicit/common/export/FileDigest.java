package org.mimicit.common.export;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.io.DataFiles;

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
    MessageDigest sha256 = digest("SHA-256");
    MessageDigest md5 = digest("MD5");
    byte[] buffer = new byte[BUFFER];
    long total = 0;
    for (int n; (n = in.read(buffer)) >= 0; ) {
      sha256.update(buffer, 0, n);
      md5.update(buffer, 0, n);
      total += n;
    }
    HexFormat hex = HexFormat.of();
    return new FileDigest(total, hex.formatHex(sha256.digest()), hex.formatHex(md5.digest()));
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every Java platform", e);
    }
  }
}
