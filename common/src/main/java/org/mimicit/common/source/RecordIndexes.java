package org.mimicit.common.source;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.io.DataFiles;
import org.mimicit.common.io.InputLayout.TaskFile;
import org.mimicit.common.json.RecordIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Record indexes of instructions files, made once per file version on the driver and shared by
 * every read of it. The index keeps the first record start at or after every MiB, so any split size
 * that is a whole number of MiB (Spark's default 128 MB among them) is served by one pass, which
 * can run in the background while Spark starts ({@link #prefetch}). Other split sizes get a pass of
 * their own.
 */
final class RecordIndexes {
  private static final Logger LOG = LoggerFactory.getLogger(RecordIndexes.class);
  static final long GRID = 1L << 20;
  private static final Map<String, CompletableFuture<long[]>> CACHE = new ConcurrentHashMap<>();

  private RecordIndexes() {}

  /** Starts indexing {@code file} on a background thread, if it is not indexed yet. */
  static void prefetch(Configuration conf, TaskFile file) {
    future(conf, file, grid(file.length()), true);
  }

  /**
   * Moves every cut but the last onto the first record start at or after it.
   *
   * @param cuts 0, split, 2 * split, ..., length
   */
  static long[] recordStarts(Configuration conf, TaskFile file, long[] cuts) {
    long[] boundaries = Arrays.copyOf(cuts, cuts.length - 1);
    boolean onGrid = Arrays.stream(boundaries).allMatch(b -> b % GRID == 0);
    long[] indexed = boundaries;
    if (onGrid) {
      indexed = grid(file.length());
    }
    long[] starts;
    try {
      starts = future(conf, file, indexed, false).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    long[] result = new long[cuts.length];
    for (int i = 0; i < boundaries.length; i++) {
      long start = starts[onGrid ? (int) (boundaries[i] / GRID) : i];
      result[i] = start < 0 ? file.length() : start;
    }
    result[cuts.length - 1] = file.length();
    return result;
  }

  private static long[] grid(long length) {
    long[] grid = new long[(int) Math.max(1, (length + GRID - 1) / GRID)];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = i * GRID;
    }
    return grid;
  }

  private static CompletableFuture<long[]> future(
      Configuration conf, TaskFile file, long[] boundaries, boolean background) {
    String key =
        file.path()
            + "|"
            + file.length()
            + "|"
            + file.modified()
            + "|"
            + (boundaries.length > 1 && boundaries[1] == GRID
                ? "grid"
                : Arrays.toString(boundaries));
    return CACHE.computeIfAbsent(
        key,
        k -> {
          if (!background) {
            CompletableFuture<long[]> done = new CompletableFuture<>();
            try {
              done.complete(index(conf, file, boundaries));
            } catch (RuntimeException e) {
              done.completeExceptionally(e);
            }
            return done;
          }
          CompletableFuture<long[]> async = new CompletableFuture<>();
          Thread t =
              new Thread(
                  () -> {
                    try {
                      async.complete(index(conf, file, boundaries));
                    } catch (RuntimeException e) {
                      async.completeExceptionally(e);
                    }
                  },
                  "mimicit-record-index");
          t.setDaemon(true);
          t.start();
          return async;
        });
  }

  private static long[] index(Configuration conf, TaskFile file, long[] boundaries) {
    Path path = new Path(file.path());
    long started = System.nanoTime();
    RecordIndex.Result index;
    try (InputStream in = DataFiles.fileSystem(path, conf).open(path, 1 << 20)) {
      index = RecordIndex.scan(in, boundaries);
    } catch (IOException e) {
      throw new MimicitException(
          e, "Cannot read instructions from %s: %s", file.path(), e.getMessage());
    }
    if (!index.dataFound()) {
      throw new MimicitException(
          "Cannot read instructions from %s: missing field 'data' (the file must be "
              + "{\"meta\": {...}, \"data\": {ins_id: {...}}})",
          file.path());
    }
    LOG.info(
        "Indexed {} records of {} in {} ms",
        index.records(),
        file.path(),
        (System.nanoTime() - started) / 1_000_000);
    return index.starts();
  }
}
