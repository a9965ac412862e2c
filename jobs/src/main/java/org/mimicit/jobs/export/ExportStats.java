package org.mimicit.jobs.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.TreeSet;
import org.mimicit.common.export.ExportManifest;
import org.mimicit.common.warehouse.JobStats;

/**
 * {@code _stats/export-shards.json}: the export's files, bytes and examples per task and language.
 */
final class ExportStats {
  private ExportStats() {}

  static ObjectNode document(
      Instant started, long ms, ExportShardsConfig config, ExportShardsJob.Result result) {
    ObjectNode root =
        JobStats.header(
            ExportShardsJob.NAME,
            started,
            ms,
            JobStats.paths("warehouse", config.warehouse(), "output", config.output()));
    var formats = root.putArray("formats");
    config.formats().forEach(f -> formats.add(f.label()));
    root.put("shard_bytes", config.shardBytes());
    root.put("files", result.manifest().files().size());
    root.put(
        "bytes_out",
        result.manifest().files().stream().mapToLong(ExportManifest.Entry::bytes).sum());
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
}
