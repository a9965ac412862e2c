package org.mimicit.jobs.multilingual;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.mimicit.common.warehouse.JobStats;
import org.mimicit.jobs.multilingual.ExpandMultilingualJob.Result;

/** {@code _stats/expand-multilingual.json}. */
final class ExpandStats {
  private ExpandStats() {}

  /**
   * @param byTaskAndLang rows of task, lang, units, translated, rejected
   */
  static ObjectNode document(
      Instant started,
      long durationMs,
      ExpandMultilingualConfig config,
      List<Row> byTaskAndLang,
      Result result) {
    ObjectNode root =
        JobStats.header(
            ExpandMultilingualJob.NAME,
            started,
            durationMs,
            JobStats.paths("warehouse", config.warehouse()));
    root.put("model", config.api().model());
    root.put("api", config.api().offline() ? "offline (cache only)" : config.api().shownBase());
    config.languages().forEach(root.putArray("languages")::add);
    root.put("rows_in", result.units());
    root.put("rows_out", result.translated());
    root.put("rejected_total", result.rejected());
    root.putObject("rejected").put("api_failed", result.rejected());
    root.put("not_translated_offline", result.offline());
    ObjectNode api = root.putObject("api_calls");
    result.api().forEach(api::put);
    ObjectNode tasks = root.putObject("tasks");
    for (Row r : byTaskAndLang) {
      ObjectNode task =
          tasks.has(r.getString(0))
              ? (ObjectNode) tasks.get(r.getString(0))
              : tasks.putObject(r.getString(0));
      task.putObject(r.getString(1))
          .put("rows_in", r.getLong(2))
          .put("rows_out", r.getLong(3))
          .put("rejected", r.getLong(4))
          .put("not_translated_offline", r.getLong(2) - r.getLong(3) - r.getLong(4));
    }
    return root;
  }
}
