package org.mimicit.common.export;

/**
 * Writes the examples of one shard, in the order given, to one file: {@link #finish()} completes
 * it, {@link #abort()} deletes it. Not thread-safe.
 */
public interface ShardWriter {
  void write(Example example);

  /** Completes the file; returns its length, SHA-256 and MD5. */
  FileDigest finish();

  /** Stops and deletes the file. */
  void abort();
}
