package org.mimicit.jobs.ingest;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.util.Set;

/** What an ingest job reads and where it writes; validated on construction. */
public record IngestConfig(
    String input, String warehouse, Set<String> tasks, double maxRejectRatio) {
  public IngestConfig {
    checkArgument(input != null && !input.isBlank(), "Cannot read input: --input is empty.");
    checkArgument(warehouse != null && !warehouse.isBlank(), "Cannot write: --warehouse is empty.");
    checkArgument(
        maxRejectRatio >= 0 && maxRejectRatio <= 1,
        "Cannot set --max-reject-ratio to %s, the value must be between 0 and 1.",
        maxRejectRatio);
    for (String t : tasks) {
      checkArgument(
          !t.isBlank() && !t.contains("/") && !t.contains("="),
          "Cannot use task name '%s': a task is a folder name without '/' or '='.",
          t);
    }
    tasks = Set.copyOf(tasks);
  }
}
