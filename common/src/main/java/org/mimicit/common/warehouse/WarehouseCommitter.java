package org.mimicit.common.warehouse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.error.MimicitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the files of a finished write visible, one task partition at a time. Until then the old
 * output stays as it was, so a failed or killed run leaves the previous output intact and visible.
 * Partitions of tasks not in the run are not touched; a task of the run that wrote no rows loses
 * its old partition (the re-run replaces it with nothing).
 *
 * <p>On a file system with real renames (HDFS, local disks) the new partition is assembled in the
 * staging folder and swapped in with a delete and a rename of the folder. On an object store
 * (s3a://, gs://, abfs://, ...) a rename is a server-side copy of every file, so nothing is
 * assembled: each new file is renamed once, straight into its partition, after the old partition is
 * deleted. A kill during the swap of a partition can leave it half replaced there, until the run is
 * repeated. (Ingest on s3a:// does not come here: {@link CommitterOutput} commits it without a
 * copy. Spark's own writes reach the staging folder through the S3A committer.)
 */
public final class WarehouseCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(WarehouseCommitter.class);
  private static final String TASK_PREFIX = Partitions.TASK + "=";

  /** Schemes whose rename copies the data: object stores. */
  private static final Set<String> RENAME_COPIES =
      Set.of(
          "s3a", "s3", "s3n", "gs", "abfs", "abfss", "wasb", "wasbs", "oss", "cosn", "obs", "oci");

  private WarehouseCommitter() {}

  public static void commit(
      Configuration conf,
      String warehouse,
      Path staging,
      Collection<String> tablePaths,
      Set<String> tasks,
      List<WrittenPart> parts) {
    try {
      FileSystem fs = staging.getFileSystem(conf);
      List<String> partitions = partitions(tablePaths, tasks);
      if (renameCopies(fs)) {
        Map<String, List<WrittenPart>> byPartition = new HashMap<>();
        for (WrittenPart part : parts) {
          byPartition
              .computeIfAbsent(partition(part.tablePath(), part.task()), p -> new ArrayList<>())
              .add(part);
        }
        for (String partition : partitions) {
          Path target = new Path(warehouse, partition);
          delete(fs, target);
          for (WrittenPart part : byPartition.getOrDefault(partition, List.of())) {
            fs.mkdirs(target);
            rename(fs, new Path(part.path()), new Path(target, part.name()));
          }
        }
      } else {
        for (WrittenPart part : parts) {
          Path dir = assembled(staging, partition(part.tablePath(), part.task()));
          fs.mkdirs(dir);
          rename(fs, new Path(part.path()), new Path(dir, part.name()));
        }
        swap(fs, warehouse, staging, partitions);
      }
      LOG.info("Committed {} file(s) for task(s) {} of {}", parts.size(), tasks, tablePaths);
    } catch (IOException e) {
      throw new MimicitException(
          e,
          "Cannot commit the output in %s: %s. The staged files are in %s.",
          warehouse,
          e.getMessage(),
          staging);
    }
  }

  /**
   * Replaces each partition (a path relative to the warehouse) by the one assembled under {@link
   * #assembled}, or removes it when nothing was assembled for it.
   */
  public static void swap(
      FileSystem fs, String warehouse, Path staging, Collection<String> partitions)
      throws IOException {
    for (String partition : partitions) {
      Path target = new Path(warehouse, partition);
      Path fresh = assembled(staging, partition);
      delete(fs, target);
      if (fs.exists(fresh)) {
        fs.mkdirs(target.getParent()); // no empty folders for partitions that get nothing
        rename(fs, fresh, target);
      }
    }
  }

  /**
   * True when renames on {@code fs} copy the data (object stores), false for HDFS and local disks.
   */
  static boolean renameCopies(FileSystem fs) {
    return RENAME_COPIES.contains(fs.getUri().getScheme());
  }

  /**
   * The tasks of the partitions {@code <dir>/task=<TASK>/}, sorted; empty when there is no {@code
   * dir}.
   */
  public static Set<String> tasksOf(Configuration conf, Path dir) {
    Set<String> found = new TreeSet<>();
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (fs.exists(dir)) {
        for (FileStatus s : fs.listStatus(dir)) {
          String name = s.getPath().getName();
          if (s.isDirectory() && name.startsWith(TASK_PREFIX)) {
            found.add(name.substring(TASK_PREFIX.length()));
          }
        }
      }
      return found;
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot list %s: %s", dir, e.getMessage());
    }
  }

  /** The task partitions of the tables, as paths relative to the warehouse. */
  public static List<String> partitions(Collection<String> tablePaths, Set<String> tasks) {
    List<String> partitions = new ArrayList<>();
    for (String tablePath : tablePaths) {
      for (String task : tasks) {
        partitions.add(partition(tablePath, task));
      }
    }
    return partitions;
  }

  private static String partition(String tablePath, String task) {
    return tablePath + "/" + TASK_PREFIX + task;
  }

  /**
   * Where a run assembles its new partitions of a table (a path relative to the warehouse, e.g.
   * {@code incontext}): {@code <staging>/_commit/<table>}, the layout {@link #swap} takes them
   * from.
   */
  public static Path assembled(Path staging, String table) {
    return new Path(staging, "_commit/" + table);
  }

  /** A new staging folder for one run of a table: {@code <warehouse>/_staging/<name>-<uuid>}. */
  public static Path newStaging(String warehouse, String name) {
    return new Path(warehouse, "_staging/" + name + "-" + UUID.randomUUID());
  }

  /**
   * Deletes a run's staging folder, and {@code _staging} itself when no other run is using it. A
   * failure is logged, not thrown: the run's output is committed or was never visible.
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

  /** Deletes a folder with what is in it, if it exists. */
  static void delete(FileSystem fs, Path path) throws IOException {
    if (fs.exists(path) && !fs.delete(path, true)) {
      throw new IOException("delete of " + path + " failed");
    }
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename of " + from + " to " + to + " failed");
    }
  }
}
