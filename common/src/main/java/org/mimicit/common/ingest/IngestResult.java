package org.mimicit.common.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;

/** Counts per task of one ingest, after commit. */
public record IngestResult(Map<String, TaskCounts> tasks) {
  public long rowsIn() {
    return tasks.values().stream().mapToLong(TaskCounts::rowsIn).sum();
  }

  public long rowsOut() {
    return tasks.values().stream().mapToLong(TaskCounts::rowsOut).sum();
  }

  public long rejected() {
    return tasks.values().stream().mapToLong(TaskCounts::rejectedTotal).sum();
  }

  /** Rejected rows of all tasks per reason code. */
  public Map<String, Long> rejectedByReason() {
    Map<String, Long> reasons = new TreeMap<>();
    tasks.values().forEach(c -> c.rejected().forEach((k, v) -> reasons.merge(k, v, Long::sum)));
    return reasons;
  }

  /**
   * Adds the counts to a stats document: {@code rows_in}, {@code rows_out}, {@code rejected_total},
   * {@code rejected} per reason and {@code tasks} with the same per task.
   */
  public void addTo(ObjectNode stats) {
    stats.put("rows_in", rowsIn());
    stats.put("rows_out", rowsOut());
    stats.put("rejected_total", rejected());
    ObjectNode rejected = stats.putObject("rejected");
    rejectedByReason().forEach(rejected::put);
    ObjectNode byTask = stats.putObject("tasks");
    tasks.forEach(
        (task, c) -> {
          ObjectNode t = byTask.putObject(task);
          t.put("rows_in", c.rowsIn());
          t.put("rows_out", c.rowsOut());
          t.put("bytes_out", c.bytesOut());
          ObjectNode r = t.putObject("rejected");
          c.rejected().forEach(r::put);
        });
  }
}
