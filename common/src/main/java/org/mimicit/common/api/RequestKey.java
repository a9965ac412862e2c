package org.mimicit.common.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The cache key of a request's content: lower-case hex SHA-256 over length-prefixed UTF-8 parts, so
 * that no two different part lists give the same bytes. The same content gives the same key in
 * every run, on every executor, whatever the batching.
 */
public final class RequestKey {
  private RequestKey() {}

  public static String of(String... parts) {
    MessageDigest sha = sha256();
    for (String part : parts) {
      byte[] bytes = (part == null ? "" : part).getBytes(StandardCharsets.UTF_8);
      sha.update((bytes.length + (part == null ? "!" : ":")).getBytes(StandardCharsets.US_ASCII));
      sha.update(bytes);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** The key of one instruction's translation into one language. */
  public static String translation(
      String model, String promptSha256, String lang, String instruction, String answer) {
    return of("mimicit-translate-v1", model, promptSha256, lang, instruction, answer);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
