package org.mimicit.common.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LeaseRecoverable;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.error.MimicitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads keys back from a few API cache files on an executor, and closes the files a killed task
 * left open. The job reads the whole cache with Spark; {@link #keysOf} is for a retried task, which
 * must skip what its own failed attempts got accepted.
 */
public final class ApiCacheReader {
  /** How long {@link #closeLeftOpen} waits for HDFS to close one file. */
  public static final Duration LEASE_RECOVERY_TIMEOUT = Duration.ofMinutes(2);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(ApiCacheReader.class);

  private ApiCacheReader() {}

  /**
   * The keys in the files of {@code dir} whose names start with {@code prefix}; lines cut by a kill
   * skipped.
   */
  public static Set<String> keysOf(Configuration conf, String dir, String prefix) {
    Set<String> keys = new HashSet<>();
    Path path = new Path(dir);
    try {
      FileSystem fs = path.getFileSystem(conf);
      if (!fs.exists(path)) {
        return keys;
      }
      for (FileStatus file : fs.listStatus(path, p -> p.getName().startsWith(prefix))) {
        try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(fs.open(file.getPath()), StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            try {
              JsonNode key = JSON.readTree(line).get("key");
              if (key != null && key.isTextual()) {
                keys.add(key.asText());
              }
            } catch (IOException cut) {
              // the last line of a killed attempt: not accepted
            }
          }
        }
      }
      return keys;
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read the API cache %s: %s", dir, e.getMessage());
    }
  }

  /**
   * Closes the files of {@code dir} that a writer left open, on file systems with leases (HDFS):
   * the cache file of a task whose executor or driver was killed. Until it is closed the NameNode
   * gives such a file its length without its last block, so a Spark read of the cache would miss
   * the answers the dead task flushed (a reader that opens the file, as {@link #keysOf} does, sees
   * them). Recovering the lease closes the file at what reached the DataNodes. Called before a job
   * reads its cache, when none of its own tasks writes; a file still written by another live job on
   * the same cache loses its writer, which then fails.
   *
   * @return the files closed
   */
  public static List<Path> closeLeftOpen(Configuration conf, String dir, Duration timeout) {
    Path path = new Path(dir);
    List<Path> closed = new ArrayList<>();
    try {
      FileSystem fs = path.getFileSystem(conf);
      if (!(fs instanceof LeaseRecoverable leases) || !fs.exists(path)) {
        return closed;
      }
      FileStatus[] files =
          fs.isFile(path) ? new FileStatus[] {fs.getFileStatus(path)} : fs.listStatus(path);
      for (FileStatus file : files) {
        Path p = file.getPath();
        if (!file.isFile() || leases.isFileClosed(p)) {
          continue;
        }
        LOG.info("Closing {}, left open by a task that died, before reading it", p);
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean done = leases.recoverLease(p);
        while (!done) {
          if (System.nanoTime() > deadline) {
            throw new MimicitException(
                "Cannot read the API cache file %s: a task that died left it open and HDFS did"
                    + " not close it within %d s (are its DataNodes up?). Run the job again later.",
                p, timeout.toSeconds());
          }
          Thread.sleep(250);
          done = leases.isFileClosed(p);
        }
        closed.add(p);
      }
      return closed;
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read the API cache %s: %s", dir, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MimicitException(e, "Interrupted while closing the API cache files of %s", dir);
    }
  }
}
