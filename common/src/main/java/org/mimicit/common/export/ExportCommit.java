package org.mimicit.common.export;

import java.io.IOException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.error.MimicitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an export visible only when complete: it is written into a staging folder beside the output
 * ({@code .<name>.export-staging}), and {@link #publish} swaps it with the old export by two
 * renames. A crashed or killed export leaves only the staging folder, which the next run deletes;
 * the previous export stays as it was. An existing output that is not an export (no {@code
 * manifest.json}) and not empty is never replaced.
 */
public final class ExportCommit {
  private static final Logger LOG = LoggerFactory.getLogger(ExportCommit.class);

  private final FileSystem fs;
  private final Path output;
  private final Path staging;
  private final Path old;

  private ExportCommit(FileSystem fs, Path output) {
    this.fs = fs;
    this.output = output;
    this.staging = new Path(output.getParent(), "." + output.getName() + ".export-staging");
    this.old = new Path(output.getParent(), "." + output.getName() + ".export-old");
  }

  /**
   * Checks that {@code output} may be replaced, and returns a commit with an empty staging folder.
   *
   * @throws IllegalArgumentException if {@code output} holds something that is not an export
   */
  public static ExportCommit start(FileSystem fs, Path output) throws IOException {
    checkReplaceable(fs, output);
    ExportCommit commit = new ExportCommit(fs, output);
    fs.delete(commit.staging, true); // a crashed run's leftovers
    fs.delete(commit.old, true);
    if (!fs.mkdirs(commit.staging)) {
      throw new IOException("Cannot create staging folder " + commit.staging);
    }
    return commit;
  }

  private static void checkReplaceable(FileSystem fs, Path output) throws IOException {
    if (!fs.exists(output)) {
      return;
    }
    FileStatus status = fs.getFileStatus(output);
    boolean replaceable =
        status.isDirectory()
            && (fs.exists(new Path(output, ExportManifest.MANIFEST))
                || fs.listStatus(output).length == 0);
    if (!replaceable) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot export to %s: it exists and is not an export (no %s). Choose a new or empty "
                  + "folder; export replaces the whole folder.",
              output, ExportManifest.MANIFEST));
    }
  }

  /** The folder to write the export into. */
  public Path staging() {
    return staging;
  }

  /** Replaces the output with the staged export. */
  public void publish() {
    try {
      if (fs.exists(output)) {
        rename(output, old);
      }
      rename(staging, output);
      fs.delete(old, true);
      LOG.info("Published the export in {}", output);
    } catch (IOException e) {
      throw new MimicitException(
          e,
          "Cannot publish the export in %s: %s. The staged export is "
              + "in %s, the previous one (if any) in %s.",
          output,
          e.getMessage(),
          staging,
          old);
    }
  }

  /** Deletes the staging folder after a failure, leaving the previous export as it was. */
  public void abort() {
    try {
      fs.delete(staging, true);
    } catch (IOException e) {
      LOG.warn("Cannot delete the staging folder {}: {}", staging, e.getMessage());
    }
  }

  private void rename(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename of " + from + " to " + to + " failed");
    }
  }
}
