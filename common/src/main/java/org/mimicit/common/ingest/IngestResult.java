package org.mimicit.common.ingest;

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
}
