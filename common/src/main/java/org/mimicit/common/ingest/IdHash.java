package org.mimicit.common.ingest;

/**
 * A 64-bit hash of (task, id), so each write task can report the ids it saw in 8 bytes each and the
 * driver can tell at once whether any id repeats. Equal hashes are only candidates: the exact check
 * compares the ids themselves.
 */
final class IdHash {
  private IdHash() {}

  static long of(String task, String id) {
    long h = 0x9E3779B97F4A7C15L;
    h = mix(h, task);
    h = (h ^ 0xFF) * 0xBF58476D1CE4E5B9L;
    return finish(mix(h, id));
  }

  private static long mix(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001B3L;
      h ^= h >>> 29;
    }
    return h;
  }

  private static long finish(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
