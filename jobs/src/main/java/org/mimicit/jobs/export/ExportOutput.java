package org.mimicit.jobs.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.export.ExportCommit;
import org.mimicit.common.export.ExportManifest;
import org.mimicit.common.io.DataFiles;
import org.mimicit.common.warehouse.JobStats;

/**
 * The export folder being written: its staging folder (with the shard plans, see {@link
 * #planPath}), then the manifest and {@code MD5SUMS} and the switch to {@code --output} ({@link
 * ExportCommit}), or the abort that leaves the previous export as it was; and the job's stats.
 */
final class ExportOutput {
  private final Configuration conf;
  private final Path output;
  private final ExportCommit commit;

  private ExportOutput(Configuration conf, Path output, ExportCommit commit) {
    this.conf = conf;
    this.output = output;
    this.commit = commit;
  }

  /** Stages a new export beside {@code output}. */
  static ExportOutput start(Configuration conf, String output) {
    Path path = new Path(output);
    try {
      return new ExportOutput(
          conf, path, ExportCommit.start(DataFiles.fileSystem(path, conf), path));
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot prepare %s: %s", path, e.getMessage());
    }
  }

  /** {@code --output}. */
  Path path() {
    return output;
  }

  Path staging() {
    return commit.staging();
  }

  /** Where a format's shard plan is kept while the export is written. */
  Path planPath(ExportFormat format) {
    return planPath(format.label());
  }

  /** Where a plan is kept while the export is written. */
  Path planPath(String name) {
    return new Path(commit.staging(), "plan-" + name);
  }

  /** Drops the plans, writes the manifest and MD5SUMS, and replaces {@code --output}. */
  ExportManifest publish(List<ExportManifest.Entry> entries) throws IOException {
    ExportManifest manifest = new ExportManifest(entries);
    FileSystem fs = DataFiles.fileSystem(commit.staging(), conf);
    for (ExportFormat format : ExportFormat.values()) {
      fs.delete(planPath(format), true);
    }
    fs.delete(planPath(ImageShards.FOLDER), true);
    manifest.write(fs, commit.staging());
    commit.publish();
    return manifest;
  }

  /** Drops the staged export; returns {@code e} as the failure to throw. */
  RuntimeException abort(Exception e) {
    commit.abort();
    if (e instanceof RuntimeException r) {
      return r;
    }
    return new MimicitException(e, "Cannot export to %s: %s", output, e.getMessage());
  }

  /** The job's stats: formats, shard size, files and bytes written, examples per task. */
  static ObjectNode stats(
      Instant started,
      long ms,
      Map<String, Long> phases,
      ExportShardsConfig config,
      ExportShardsJob.Result result) {
    ObjectNode root =
        JobStats.header(
            ExportShardsJob.NAME,
            started,
            ms,
            JobStats.paths("warehouse", config.warehouse(), "output", config.output()));
    var formats = root.putArray("formats");
    config.formats().forEach(f -> formats.add(f.label()));
    root.put("shard_bytes", config.shardBytes());
    root.put("image_layout", config.imageLayout().label());
    ObjectNode phaseMs = root.putObject("phase_ms");
    phases.forEach(phaseMs::put);
    root.put("files", result.manifest().files().size());
    root.put("bytes_out", bytes(result.manifest()));
    ObjectNode tasks = root.putObject("tasks");
    TreeSet<String> names = new TreeSet<>(result.examples().keySet());
    names.addAll(result.skipped().keySet());
    for (String task : names) {
      ObjectNode t = tasks.putObject(task);
      ObjectNode ex = t.putObject("examples");
      result.examples().getOrDefault(task, Map.of()).forEach(ex::put);
      ObjectNode sk = t.putObject("skipped_missing_images");
      result.skipped().getOrDefault(task, Map.of()).forEach(sk::put);
    }
    return root;
  }

  /** The bytes of all the files of {@code manifest}. */
  static long bytes(ExportManifest manifest) {
    return manifest.files().stream().mapToLong(ExportManifest.Entry::bytes).sum();
  }
}
