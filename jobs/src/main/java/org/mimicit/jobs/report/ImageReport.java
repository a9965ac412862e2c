package org.mimicit.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.mimicit.common.report.Chart;
import org.mimicit.common.report.DataTable;
import org.mimicit.common.report.Section;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.warehouse.Partitions;

/**
 * The images section: per task images by format, width x height (a 2-D histogram), image bytes; and
 * the exact duplicates (one sha256 under several image ids). One scan of the table: the small
 * columns and the length of {@code bytes} are kept (memory, else disk) for the aggregates.
 */
final class ImageReport {
  private ImageReport() {}

  /** Adds the images and duplicate-images sections; returns the image count per task. */
  static Map<String, Long> add(Section s, Section duplicates, ReportInputs in) {
    Map<String, Long> perTask = new TreeMap<>();
    var table = in.table(ImageSchema.TABLE);
    if (table.isEmpty()) {
      s.notice(Overview.absent(in, ImageSchema.TABLE));
      duplicates.notice("Duplicate images: " + Overview.absent(in, ImageSchema.TABLE));
      return perTask;
    }
    Dataset<Row> images =
        table
            .get()
            .select(
                col(Partitions.TASK),
                col(ImageSchema.IMAGE_ID),
                col(ImageSchema.FORMAT),
                col(ImageSchema.WIDTH),
                col(ImageSchema.HEIGHT),
                length(col(ImageSchema.BYTES)).cast("long").as("n_bytes"),
                col(ImageSchema.SHA256))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      byFormat(s, images, perTask);
      if (perTask.isEmpty()) {
        in.markEmpty(ImageSchema.TABLE);
        s.notice(Overview.absent(in, ImageSchema.TABLE));
        return perTask;
      }
      dimensions(s, images);
      List<Histograms.Metric> metrics =
          List.of(
              new Histograms.Metric("bytes", "Image size", "bytes", col("n_bytes"), Buckets.BYTES),
              new Histograms.Metric("width", "Width", "pixels", col("width"), Buckets.PIXELS),
              new Histograms.Metric("height", "Height", "pixels", col("height"), Buckets.PIXELS));
      Histograms.Result r = Histograms.compute(images, metrics);
      Histograms.addTo(s, "image-bytes", metrics.get(0), r, "images");
      Histograms.addTo(s, "image-width", metrics.get(1), r, "images");
      Histograms.addTo(s, "image-height", metrics.get(2), r, "images");
      Duplicates.images(duplicates, images);
    } finally {
      images.unpersist();
    }
    return perTask;
  }

  private static void byFormat(Section s, Dataset<Row> images, Map<String, Long> perTask) {
    List<Row> rows =
        images
            .groupBy(col(Partitions.TASK), col(ImageSchema.FORMAT))
            .agg(count(lit(1)), sum("n_bytes"))
            .orderBy(Partitions.TASK, ImageSchema.FORMAT)
            .collectAsList();
    TreeSet<String> tasks = new TreeSet<>();
    TreeSet<String> formats = new TreeSet<>();
    rows.forEach(
        r -> {
          tasks.add(r.getString(0));
          formats.add(String.valueOf(r.get(1)));
        });
    List<String> taskList = new ArrayList<>(tasks);
    Map<String, long[]> series = new LinkedHashMap<>();
    formats.forEach(f -> series.put(f, new long[taskList.size()]));
    DataTable t =
        new DataTable(
            "images-by-format",
            "Images per task and format",
            List.of("task", "format", "images", "bytes"));
    for (Row r : rows) {
      String task = r.getString(0);
      String format = String.valueOf(r.get(1));
      long n = r.getLong(2);
      series.get(format)[taskList.indexOf(task)] += n;
      perTask.merge(task, n, Long::sum);
      t.row(task, format, n, r.isNullAt(3) ? 0L : r.getLong(3));
    }
    if (rows.isEmpty()) {
      return;
    }
    s.text(
        String.format(
            java.util.Locale.ROOT,
            "%,d images in %d task(s).",
            perTask.values().stream().mapToLong(Long::longValue).sum(),
            perTask.size()));
    s.chart(
        Chart.bars(
            "chart-images-by-format",
            "Images per task by format",
            "task",
            taskList,
            "images (count)",
            series,
            true));
    s.table(t);
  }

  /** A 2-D histogram of width x height over all the tasks asked for. */
  private static void dimensions(Section s, Dataset<Row> images) {
    Buckets b = Buckets.PIXELS;
    List<Row> rows =
        images
            .where(col("width").isNotNull().and(col("height").isNotNull()))
            .groupBy(b.index(col("width")).as("w"), b.index(col("height")).as("h"))
            .count()
            .collectAsList();
    if (rows.isEmpty()) {
      s.notice("No image has a width and height.");
      return;
    }
    int lo = Integer.MAX_VALUE;
    int hi = -1;
    for (Row r : rows) {
      lo = Math.min(lo, Math.min(r.getInt(0), r.getInt(1)));
      hi = Math.max(hi, Math.max(r.getInt(0), r.getInt(1)));
    }
    long[][] cells = new long[hi - lo + 1][hi - lo + 1];
    for (Row r : rows) {
      cells[r.getInt(0) - lo][r.getInt(1) - lo] += r.getLong(2);
    }
    List<String> labels = b.labels(lo, hi);
    s.chart(
        Chart.heatmap(
            "chart-image-dimensions",
            "Image width x height (all tasks)",
            "width (pixels)",
            labels,
            "height (pixels)",
            labels,
            cells));
  }
}
