package org.mimicit.jobs.report;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.mimicit.common.report.DataTable;
import org.mimicit.common.report.Section;
import org.mimicit.common.schema.InContextSchema;
import org.mimicit.common.warehouse.Partitions;

/**
 * The in-context section: the distribution of context lengths, dangling relations (related ids that
 * name no instruction) and instructions with missing images, per task, with the first few
 * instructions of each kind.
 */
final class ContextReport {
  private ContextReport() {}

  /** Adds the section; returns the rows of the table (0 when missing or empty). */
  static long add(Section s, ReportInputs in) {
    var table = in.table(InContextSchema.TABLE);
    if (table.isEmpty()) {
      s.notice(Overview.absent(in, InContextSchema.TABLE));
      return 0;
    }
    Dataset<Row> rows =
        table
            .get()
            .select(
                col(Partitions.TASK),
                col(InContextSchema.INS_ID),
                sizeOf(InContextSchema.CONTEXT_INS_IDS).as("context"),
                sizeOf(InContextSchema.MISSING_INS_IDS).as("dangling"),
                sizeOf(InContextSchema.MISSING_IMAGE_IDS).as("missing_images"));
    List<Row> perTask =
        rows.groupBy(Partitions.TASK)
            .agg(
                count(lit(1)),
                sum(when(col("dangling").gt(0), 1).otherwise(0)).cast("long"),
                sum("dangling").cast("long"),
                sum(when(col("missing_images").gt(0), 1).otherwise(0)).cast("long"),
                sum("missing_images").cast("long"))
            .orderBy(Partitions.TASK)
            .collectAsList();
    if (perTask.isEmpty()) {
      in.markEmpty(InContextSchema.TABLE);
      s.notice(Overview.absent(in, InContextSchema.TABLE));
      return 0;
    }
    DataTable t = problems(perTask);
    Histograms.Metric m =
        new Histograms.Metric(
            "context", "Context length", "examples", col("context"), Buckets.SMALL_COUNTS);
    Histograms.addTo(s, "context-length", m, Histograms.compute(rows, List.of(m)), "instructions");
    s.table(t);
    int shown = Math.max(in.config().samples(), 1) * 2;
    examples(
        s,
        "dangling-examples",
        "Instructions with dangling relations (first " + shown + ")",
        table.get().where(size(col(InContextSchema.MISSING_INS_IDS)).gt(0)),
        InContextSchema.MISSING_INS_IDS,
        "related ids that name no instruction",
        shown);
    examples(
        s,
        "missing-image-examples",
        "Instructions with missing images (first " + shown + ")",
        table.get().where(size(col(InContextSchema.MISSING_IMAGE_IDS)).gt(0)),
        InContextSchema.MISSING_IMAGE_IDS,
        "image ids not in the images table",
        shown);
    return perTask.stream().mapToLong(r -> r.getLong(1)).sum();
  }

  /** Per task: instructions, with dangling relations, dangling, with missing images, missing. */
  private static DataTable problems(List<Row> perTask) {
    DataTable t =
        new DataTable(
            "context-problems",
            "Dangling relations and missing images per task",
            List.of(
                "task",
                "instructions",
                "instructions with dangling relations",
                "dangling relations",
                "instructions with missing images",
                "missing image ids"));
    perTask.forEach(
        r ->
            t.row(
                r.getString(0),
                r.getLong(1),
                r.getLong(2),
                r.getLong(3),
                r.getLong(4),
                r.getLong(5)));
    return t;
  }

  private static Column sizeOf(String arrayColumn) {
    return coalesce(size(col(arrayColumn)), lit(0)).cast("long");
  }

  private static void examples(
      Section s, String id, String caption, Dataset<Row> rows, String ids, String what, int n) {
    DataTable t =
        new DataTable(
            id, caption, List.of("task", "instruction id", what + " (first 10)", "count"));
    rows.orderBy(Partitions.TASK, InContextSchema.INS_ID)
        .select(
            col(Partitions.TASK),
            col(InContextSchema.INS_ID),
            concat_ws(", ", slice(col(ids), 1, 10)),
            size(col(ids)).cast("long"))
        .limit(n)
        .collectAsList()
        .forEach(r -> t.row(r.getString(0), r.getString(1), r.getString(2), r.getLong(3)));
    if (t.isEmpty()) {
      s.text(String.format(Locale.ROOT, "%s: none.", caption));
      return;
    }
    s.table(t);
  }
}
