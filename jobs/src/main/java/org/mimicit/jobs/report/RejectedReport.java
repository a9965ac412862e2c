package org.mimicit.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.substring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.mimicit.common.report.Chart;
import org.mimicit.common.report.DataTable;
import org.mimicit.common.report.Section;
import org.mimicit.common.schema.RejectedSchema;
import org.mimicit.common.warehouse.Partitions;

/**
 * The rejected section: rejected rows by table, task and reason, and the first few rows of each
 * (id, detail, source and byte offset), in source order.
 */
final class RejectedReport {
  private RejectedReport() {}

  /** Adds the section; returns the rejected rows (table, task, reason, count) for others. */
  static List<Row> add(Section s, ReportInputs in) {
    List<String> tables = in.folders(RejectedSchema.TABLE);
    Dataset<Row> all = null;
    for (String table : tables) {
      var rows = in.table(RejectedSchema.pathOf(table));
      if (rows.isEmpty()) {
        continue;
      }
      Dataset<Row> r = rows.get();
      List<String> columns = Arrays.asList(r.columns());
      Column offset =
          columns.contains(RejectedSchema.SOURCE_OFFSET)
              ? col(RejectedSchema.SOURCE_OFFSET).cast("long")
              : lit(null).cast("long");
      Dataset<Row> shaped =
          r.select(
              lit(table).as("table"),
              col(Partitions.TASK).cast("string").as(Partitions.TASK),
              col(RejectedSchema.REASON),
              col(RejectedSchema.ID),
              col(RejectedSchema.DETAIL),
              col(RejectedSchema.SOURCE),
              offset.as(RejectedSchema.SOURCE_OFFSET));
      all = all == null ? shaped : all.unionByName(shaped);
    }
    if (all == null) {
      s.text(
          tables.isEmpty()
              ? "No rejected rows: the warehouse has no rejected/ table."
              : "No rejected rows in rejected/" + String.join(", rejected/", tables) + ".");
      return List.of();
    }
    List<Row> counts =
        all.groupBy("table", Partitions.TASK, RejectedSchema.REASON)
            .agg(count(lit(1)))
            .orderBy("table", Partitions.TASK, RejectedSchema.REASON)
            .collectAsList();
    for (String table : tables) {
      String path = RejectedSchema.pathOf(table);
      if (in.states().get(path) == ReportInputs.State.PRESENT
          && counts.stream().noneMatch(r -> r.getString(0).equals(table))) {
        in.markEmpty(path);
      }
    }
    chart(s, counts);
    DataTable t =
        new DataTable(
            "rejected-counts",
            "Rejected rows per table, task and reason",
            List.of("table", "task", "reason", "rows"));
    counts.forEach(r -> t.row(r.getString(0), r.getString(1), r.getString(2), r.getLong(3)));
    s.table(t);
    samples(s, all, in.config().samples());
    return counts;
  }

  private static void chart(Section s, List<Row> counts) {
    TreeSet<String> reasons = new TreeSet<>();
    TreeSet<String> tables = new TreeSet<>();
    counts.forEach(
        r -> {
          tables.add(r.getString(0));
          reasons.add(r.getString(2));
        });
    List<String> reasonList = new ArrayList<>(reasons);
    Map<String, long[]> series = new LinkedHashMap<>();
    tables.forEach(t -> series.put(t, new long[reasonList.size()]));
    counts.forEach(
        r -> series.get(r.getString(0))[reasonList.indexOf(r.getString(2))] += r.getLong(3));
    s.chart(
        Chart.bars(
            "chart-rejected",
            "Rejected rows by reason and table",
            "reason",
            reasonList,
            "rows (count)",
            series,
            true));
  }

  private static void samples(Section s, Dataset<Row> all, int n) {
    DataTable t =
        new DataTable(
            "rejected-samples",
            "The first " + n + " rejected rows of each table, task and reason",
            List.of("table", "task", "reason", "id", "detail", "source", "offset"));
    all.withColumn(
            "rn",
            row_number()
                .over(
                    Window.partitionBy("table", Partitions.TASK, RejectedSchema.REASON)
                        .orderBy(
                            col(RejectedSchema.SOURCE).asc_nulls_first(),
                            col(RejectedSchema.SOURCE_OFFSET).asc_nulls_first(),
                            col(RejectedSchema.ID).asc_nulls_first())))
        .where(col("rn").leq(n))
        .orderBy("table", Partitions.TASK, RejectedSchema.REASON, "rn")
        .select(
            col("table"),
            col(Partitions.TASK),
            col(RejectedSchema.REASON),
            col(RejectedSchema.ID),
            substring(col(RejectedSchema.DETAIL), 1, 200),
            col(RejectedSchema.SOURCE),
            col(RejectedSchema.SOURCE_OFFSET))
        .collectAsList()
        .forEach(
            r ->
                t.row(
                    r.getString(0),
                    r.getString(1),
                    r.getString(2),
                    r.getString(3),
                    r.getString(4),
                    r.getString(5),
                    r.isNullAt(6) ? null : r.getLong(6)));
    s.table(t);
  }
}
