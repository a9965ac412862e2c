package org.mimicit.common.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.error.MimicitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the files of a finished write visible, one task partition at a time: the new partition
 * is assembled in the staging folder, then swapped with the old one by two renames. Partitions of
 * tasks not in the run are not touched; a task of the run that wrote no rows loses its old
 * partition (the re-run replaces it with nothing). Until the swap the old output stays as it was,
 * so a failed or killed run leaves the previous output intact and visible.
 */
public final class WarehouseCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(WarehouseCommitter.class);

  private WarehouseCommitter() {}

  static void commit(Configuration conf, String warehouse, Path staging, Collection<String> tablePaths,
      Set<String> tasks, List<WrittenPart> parts) {
    try {
      FileSystem fs = staging.getFileSystem(conf);
      Path assembled = new Path(staging, "_commit");
      for (WrittenPart part : parts) {
        Path dir = new Path(assembled, part.tablePath() + "/task=" + part.task());
        fs.mkdirs(dir);
        rename(fs, new Path(part.path()), new Path(dir, part.name()));
      }
      List<String> partitions = new ArrayList<>();
      for (String tablePath : tablePaths) {
        for (String task : tasks) {
          partitions.add(tablePath + "/task=" + task);
        }
      }
      swap(fs, warehouse, staging, partitions);
      LOG.info("Committed {} file(s) for task(s) {} of {}", parts.size(), tasks, tablePaths);
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot commit the output in %s: %s. The staged files are in %s.",
          warehouse, e.getMessage(), staging);
    }
  }

  /**
   * Replaces each partition (a path relative to the warehouse) by the one assembled under
   * {@code <staging>/_commit/}, or removes it when nothing was assembled for it. The old one is
   * moved into {@code <staging>/_old/} first, for the caller to delete with the staging folder.
   */
  public static void swap(FileSystem fs, String warehouse, Path staging, Collection<String> partitions)
      throws IOException {
    Path assembled = new Path(staging, "_commit");
    Path old = new Path(staging, "_old");
    for (String partition : partitions) {
      Path target = new Path(warehouse, partition);
      Path fresh = new Path(assembled, partition);
      if (fs.exists(target)) {
        Path moved = new Path(old, partition);
        fs.mkdirs(moved.getParent());
        rename(fs, target, moved);
      }
      if (fs.exists(fresh)) {
        fs.mkdirs(target.getParent()); // no empty folders for partitions that get nothing
        rename(fs, fresh, target);
      }
    }
  }

  /** A new staging folder for one run of a table: {@code <warehouse>/_staging/<name>-<uuid>}. */
  public static Path newStaging(String warehouse, String name) {
    return new Path(warehouse, "_staging/" + name + "-" + UUID.randomUUID());
  }

  /**
   * Deletes a run's staging folder, and {@code _staging} itself when no other run is using it.
   * A failure is logged, not thrown: the run's output is committed or was never visible.
   */
  public static void deleteStaging(Configuration conf, Path staging) {
    try {
      FileSystem fs = staging.getFileSystem(conf);
      fs.delete(staging, true);
      Path root = staging.getParent();
      if (fs.exists(root) && fs.listStatus(root).length == 0) {
        fs.delete(root, false);
      }
    } catch (IOException e) {
      LOG.warn("Cannot delete the staging folder {}: {}", staging, e.getMessage());
    }
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename of " + from + " to " + to + " failed");
    }
  }
}
