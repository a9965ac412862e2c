package org.mimicit.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.mimicit.common.report.DataTable;
import org.mimicit.common.report.Section;

/** The first section: what the warehouse holds (tables present, missing, empty) and its runs. */
final class Overview {
  private Overview() {}

  /** "The images table is missing (no images/ in the warehouse)": for a section without data. */
  static String absent(ReportInputs in, String path) {
    ReportInputs.State state = in.states().getOrDefault(path, ReportInputs.State.MISSING);
    String tasks =
        in.config().tasks().isEmpty()
            ? ""
            : " for task(s) " + String.join(", ", new java.util.TreeSet<>(in.config().tasks()));
    return state == ReportInputs.State.MISSING
        ? "Missing: the " + path + " table is not in the warehouse (no " + path + "/ folder)."
        : "Empty: the " + path + " table has no rows" + tasks + ".";
  }

  /** An ISO instant to the second ("2026-12-05T18:22:47Z"); other text as it is. */
  static String seconds(String instant) {
    try {
      return java.time.Instant.parse(instant)
          .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
          .toString();
    } catch (java.time.format.DateTimeParseException e) {
      return instant;
    }
  }

  /** Fills {@code s}: the tables looked at with their rows, and the last run of each job. */
  static void fill(Section s, ReportInputs in, Map<String, Long> rowsByTable) {
    DataTable tables =
        new DataTable("tables", "Tables of the warehouse", List.of("table", "state", "rows"));
    for (Map.Entry<String, ReportInputs.State> e : in.states().entrySet()) {
      String state = e.getValue().name().toLowerCase(java.util.Locale.ROOT);
      Long rows =
          switch (e.getValue()) {
            case MISSING -> null; // shown empty: there is no table to count
            case EMPTY -> 0L;
            case PRESENT -> rowsByTable.get(e.getKey());
          };
      tables.row(e.getKey(), state, rows);
      if (e.getValue() != ReportInputs.State.PRESENT && !e.getKey().startsWith("rejected/")) {
        s.notice(absent(in, e.getKey()));
      }
    }
    s.table(tables);
    DataTable runs =
        new DataTable(
            "runs",
            "Last run of each job (_stats)",
            List.of("job", "started", "duration (s)", "rows in", "rows out", "rejected"));
    for (String job : in.statsJobs()) {
      JsonNode j = in.stats(job).orElse(null);
      if (j == null) {
        continue;
      }
      runs.row(
          job,
          seconds(j.path("started").asText("")),
          Histograms.round(j.path("duration_ms").asLong() / 1000.0),
          j.has("rows_in") ? j.get("rows_in").asLong() : null,
          j.has("rows_out") ? j.get("rows_out").asLong() : null,
          j.has("rejected_total") ? j.get("rejected_total").asLong() : null);
    }
    if (runs.isEmpty()) {
      s.notice("No _stats files: no job has finished on this warehouse.");
    }
    s.table(runs);
  }
}
