package org.mimicit.jobs.report;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.mimicit.common.report.Chart;
import org.mimicit.common.report.DataTable;
import org.mimicit.common.report.Section;
import org.mimicit.common.warehouse.Partitions;

/**
 * Histograms per task of several values of one table, in one pass: each row gives one value per
 * metric, binned by the metric's {@link Buckets}; Spark counts per metric, task and bin (with the
 * bin's min, max and sum, which give each task's exact count, min, mean and max).
 */
final class Histograms {
  /** A value to histogram: a long column (null: the row has no such value). */
  record Metric(String name, String title, String unit, Column value, Buckets buckets) {}

  /** Count, min, max and sum of a metric's values in one task. */
  record Summary(long count, long min, long max, long sum) {
    Summary plus(Summary o) {
      return new Summary(count + o.count, Math.min(min, o.min), Math.max(max, o.max), sum + o.sum);
    }

    double mean() {
      return count == 0 ? 0 : (double) sum / count;
    }
  }

  /** Per metric: per task the count of each bin, and the summary. */
  record Result(
      Map<String, Map<String, long[]>> counts, Map<String, Map<String, Summary>> summaries) {}

  private Histograms() {}

  static Result compute(Dataset<Row> rows, List<Metric> metrics) {
    List<Column> entries = new ArrayList<>();
    for (Metric m : metrics) {
      entries.add(
          struct(
              lit(m.name()).as("metric"),
              m.value().cast("long").as("value"),
              m.buckets().index(m.value().cast("long")).as("bin")));
    }
    List<Row> binned =
        rows.select(col(Partitions.TASK), explode(array(entries.toArray(new Column[0]))).as("e"))
            .select(col(Partitions.TASK), col("e.metric"), col("e.value"), col("e.bin"))
            .where(col("value").isNotNull())
            .groupBy(col("metric"), col(Partitions.TASK), col("bin"))
            .agg(count(lit(1)), min("value"), max("value"), sum("value"))
            .collectAsList();
    Map<String, Map<String, long[]>> counts = new LinkedHashMap<>();
    Map<String, Map<String, Summary>> summaries = new LinkedHashMap<>();
    for (Metric m : metrics) {
      counts.put(m.name(), new TreeMap<>());
      summaries.put(m.name(), new TreeMap<>());
    }
    Map<String, Metric> byName = new LinkedHashMap<>();
    metrics.forEach(m -> byName.put(m.name(), m));
    for (Row r : binned) {
      String metric = r.getString(0);
      String task = r.getString(1);
      int bin = r.getInt(2);
      long n = r.getLong(3);
      counts.get(metric)
              .computeIfAbsent(task, t -> new long[byName.get(metric).buckets().size()])[bin] +=
          n;
      summaries
          .get(metric)
          .merge(task, new Summary(n, r.getLong(4), r.getLong(5), r.getLong(6)), Summary::plus);
    }
    return new Result(counts, summaries);
  }

  /**
   * Adds the metric's chart (bars per bin, one series per task, the bins from the first to the last
   * non-empty one) and its summary table to {@code section}; {@code rows} names what is counted
   * ("instructions").
   */
  static void addTo(Section section, String id, Metric m, Result result, String rows) {
    Map<String, long[]> perTask = result.counts().get(m.name());
    if (perTask.isEmpty()) {
      section.notice(m.title() + ": no values.");
      return;
    }
    int first = Integer.MAX_VALUE;
    int last = -1;
    for (long[] bins : perTask.values()) {
      for (int i = 0; i < bins.length; i++) {
        if (bins[i] > 0) {
          first = Math.min(first, i);
          last = Math.max(last, i);
        }
      }
    }
    Map<String, long[]> series = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : perTask.entrySet()) {
      series.put(e.getKey(), java.util.Arrays.copyOfRange(e.getValue(), first, last + 1));
    }
    section.chart(
        Chart.bars(
            id,
            m.title() + " (" + m.unit() + ") per task",
            m.title() + " (" + m.unit() + ")",
            m.buckets().labels(first, last),
            rows + " (count)",
            series,
            false));
    DataTable summary =
        new DataTable(
            id + "-summary",
            m.title() + " (" + m.unit() + "): summary per task",
            List.of("task", rows, "min", "mean", "max"));
    Summary all = null;
    for (Map.Entry<String, Summary> e : result.summaries().get(m.name()).entrySet()) {
      Summary s = e.getValue();
      summary.row(e.getKey(), s.count(), s.min(), round(s.mean()), s.max());
      all = all == null ? s : all.plus(s);
    }
    if (all != null) {
      summary.row("all", all.count(), all.min(), round(all.mean()), all.max());
    }
    section.table(summary);
  }

  static double round(double d) {
    return Math.round(d * 100) / 100.0;
  }
}
