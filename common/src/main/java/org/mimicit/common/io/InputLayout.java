package org.mimicit.common.io;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.error.MimicitException;

/**
 * Finds the files of a MIMIC-IT release layout ({@code <input>/<TASK>/<TASK>.json}, {@code
 * <TASK>_instructions.json}, {@code <TASK>_train.json}). The task is the folder name; a folder may
 * hold several image files (every {@code *.json} that is neither an instructions nor a train file).
 * The input may be the release root, one task folder, or one file.
 */
public final class InputLayout {
  /** The kinds of file in a task folder. */
  public enum Kind {
    IMAGES,
    INSTRUCTIONS,
    TRAIN
  }

  /** One input file; {@code length} in bytes, {@code modified} in ms since the epoch. */
  public record TaskFile(String task, String path, long length, long modified)
      implements Serializable {}

  private InputLayout() {}

  /** The kind of a file by its name, or null when it is not a JSON file of the layout. */
  public static Kind kindOf(String fileName) {
    if (!fileName.endsWith(".json") || fileName.startsWith(".") || fileName.startsWith("_")) {
      return null;
    }
    if (fileName.endsWith("_train.json")) {
      return Kind.TRAIN;
    }
    if (fileName.endsWith("_instructions.json")) {
      return Kind.INSTRUCTIONS;
    }
    if (fileName.contains("_instructions")) {
      return null; // translated instruction files (<TASK>_instructions_<lang>.json)
    }
    return Kind.IMAGES;
  }

  /**
   * Lists the files of {@code kind} under {@code input}, restricted to {@code tasks} when not
   * empty, sorted by task then file name.
   *
   * @throws MimicitException when the input does not exist, a named task is not there, or no file
   *     of the kind is found
   */
  public static List<TaskFile> list(
      Configuration conf, String input, Kind kind, Set<String> tasks) {
    Path root = new Path(input);
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        throw new MimicitException(
            "Cannot read input %s: no such file or folder. Pass the folder that holds one folder "
                + "per task (<input>/<TASK>/<TASK>.json).",
            input);
      }
      FileStatus status = fs.getFileStatus(root);
      List<TaskFile> files = new ArrayList<>();
      Set<String> found = new TreeSet<>();
      if (status.isFile()) {
        String task =
            taskOf(root, root.getParent() == null ? "default" : root.getParent().getName(), kind);
        found.add(task);
        files.add(
            new TaskFile(
                task, status.getPath().toString(), status.getLen(), status.getModificationTime()));
      } else {
        FileStatus[] children = fs.listStatus(root);
        boolean hasTaskFolders = Arrays.stream(children).anyMatch(FileStatus::isDirectory);
        if (hasTaskFolders) {
          for (FileStatus child : children) {
            if (child.isDirectory() && !hidden(child.getPath().getName())) {
              String task = child.getPath().getName();
              if (tasks.isEmpty() || tasks.contains(task)) {
                found.add(task);
                addFiles(fs, child.getPath(), task, kind, files);
              } else {
                found.add(task);
              }
            }
          }
        } else {
          String task = root.getName();
          found.add(task);
          if (tasks.isEmpty() || tasks.contains(task)) {
            addFiles(fs, root, task, kind, files);
          }
        }
      }
      Set<String> unknown = new LinkedHashSet<>(tasks);
      unknown.removeAll(found);
      if (!unknown.isEmpty()) {
        throw new MimicitException(
            "Cannot find task(s) %s under %s: the tasks there are %s.",
            String.join(",", unknown), input, found);
      }
      files.sort(Comparator.comparing(TaskFile::task).thenComparing(TaskFile::path));
      return files;
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot list input %s: %s", input, e.getMessage());
    }
  }

  private static void addFiles(FileSystem fs, Path dir, String task, Kind kind, List<TaskFile> out)
      throws IOException {
    for (FileStatus f : fs.listStatus(dir)) {
      if (f.isFile() && kindOf(f.getPath().getName()) == kind) {
        out.add(
            new TaskFile(
                taskOf(f.getPath(), task, kind),
                f.getPath().toString(),
                f.getLen(),
                f.getModificationTime()));
      }
    }
  }

  /** A train file names its task ({@code <TASK>_train.json}); other files take the folder's. */
  private static String taskOf(Path file, String folderTask, Kind kind) {
    String name = file.getName();
    return kind == Kind.TRAIN && name.endsWith("_train.json")
        ? name.substring(0, name.length() - "_train.json".length())
        : folderTask;
  }

  private static boolean hidden(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }
}
