package org.mimicit.common.io;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 and MD5 of a byte stream and its length, updated together (what an export's
 * manifest.json and MD5SUMS need of every file). Not thread-safe.
 */
public final class DualDigest {
  private final MessageDigest sha256 = algorithm("SHA-256");
  private final MessageDigest md5 = algorithm("MD5");
  private long bytes;

  public void update(byte[] b, int offset, int length) {
    sha256.update(b, offset, length);
    md5.update(b, offset, length);
    bytes += length;
  }

  public void update(byte b) {
    sha256.update(b);
    md5.update(b);
    bytes++;
  }

  /** The bytes hashed so far. */
  public long bytes() {
    return bytes;
  }

  /** Lower-case hex SHA-256 and MD5 of everything so far; the digest starts over. */
  public String[] finishHex() {
    HexFormat hex = HexFormat.of();
    return new String[] {hex.formatHex(sha256.digest()), hex.formatHex(md5.digest())};
  }

  private static MessageDigest algorithm(String name) {
    try {
      return MessageDigest.getInstance(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(name + " is part of every Java platform", e);
    }
  }
}
