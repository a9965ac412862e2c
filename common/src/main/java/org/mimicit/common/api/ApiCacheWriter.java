package org.mimicit.common.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.io.DataFiles;

/**
 * Appends accepted answers to the API cache ({@code <warehouse>/_cache/api/<stage>/}) as they
 * arrive, one JSON line each, in a file of this task attempt's own. Each line is flushed to the
 * file system before the answer counts as accepted, so a killed JVM loses no accepted answer (on
 * the local file system and HDFS; a line cut by a kill mid-write is skipped by readers). On object
 * stores, which have no flush, the file is closed and a new one started every {@code rollSeconds}:
 * a kill loses at most that many seconds of answers there.
 */
public final class ApiCacheWriter implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path dir;
  private final String prefix;
  private final long rollNanos;
  private FSDataOutputStream out;
  private boolean flushable;
  private long openedAt;
  private int files;

  public ApiCacheWriter(Configuration conf, String dir, String prefix, int rollSeconds) {
    this.dir = new Path(dir);
    this.prefix = prefix + "-" + UUID.randomUUID();
    this.rollNanos = rollSeconds * 1_000_000_000L;
    try {
      this.fs = DataFiles.fileSystem(this.dir, conf);
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot open the API cache %s: %s", dir, e.getMessage());
    }
  }

  /** The cache folder of a stage in a warehouse. */
  public static String dirOf(String warehouse, String stage) {
    return new Path(warehouse, "_cache/api/" + stage).toString();
  }

  /** Appends one entry and makes it durable against a kill of this JVM before returning. */
  public synchronized void append(ObjectNode entry) {
    try {
      byte[] line = JSON.writeValueAsBytes(entry);
      if (out == null || (!flushable && System.nanoTime() - openedAt > rollNanos)) {
        roll();
      }
      out.write(line);
      out.write('\n');
      if (flushable) {
        out.hflush();
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot write to the API cache %s: %s", dir, e.getMessage());
    }
  }

  private void roll() throws IOException {
    if (out != null) {
      out.close();
    }
    Path file = new Path(dir, prefix + "-" + (files++) + ".jsonl");
    out = fs.create(file, false);
    flushable = out.hasCapability(StreamCapabilities.HFLUSH) || "file".equals(fs.getScheme());
    openedAt = System.nanoTime();
  }

  @Override
  public synchronized void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        throw new MimicitException(
            e, "Cannot close the API cache file in %s: %s", dir, e.getMessage());
      } finally {
        out = null;
      }
    }
  }
}
