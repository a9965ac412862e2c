package org.mimicit.jobs.report;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.mimicit.common.report.DataTable;
import org.mimicit.common.report.Section;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.warehouse.Partitions;

/**
 * Exact duplicates: the same image bytes (sha256) under several image ids, the same instruction and
 * answer under several instruction ids. Counted over the whole table; the largest groups are listed
 * with a few of their ids.
 */
final class Duplicates {
  /** Groups listed. */
  static final int LISTED = 10;

  /** Ids shown per listed group. */
  static final int IDS_SHOWN = 5;

  private Duplicates() {}

  /** {@code images}: task, image_id, sha256. */
  static void images(Section s, Dataset<Row> images) {
    Dataset<Row> keyed =
        images.select(
            col(ImageSchema.SHA256).as("key"),
            col(Partitions.TASK),
            col(ImageSchema.IMAGE_ID).as("id"));
    List<Row> top = add(s, "duplicate-images", "image", "sha256 of the image bytes", keyed);
    DataTable t =
        new DataTable(
            "duplicate-images-list",
            "Largest groups of images with the same bytes",
            List.of("sha256", "image ids", "ids (first " + IDS_SHOWN + ")"));
    top.forEach(r -> t.row(r.getString(0), r.getLong(1), r.getString(2)));
    s.table(t);
  }

  /** {@code keys}: task, ins_id, key (a hash of instruction and answer). */
  static void instructions(Section s, Dataset<Row> keys, Dataset<Row> instructions) {
    Dataset<Row> keyed =
        keys.select(col("key"), col(Partitions.TASK), col(InstructionSchema.INS_ID).as("id"));
    List<Row> top =
        add(s, "duplicate-instructions", "instruction", "instruction and answer", keyed);
    Map<String, String> text = new HashMap<>();
    if (!top.isEmpty()) {
      Dataset<Row> first =
          keys.sparkSession()
              .createDataFrame(top, top.get(0).schema())
              .select(col("first_task"), col("first_id"));
      instructions
          .join(
              broadcast(first),
              col(Partitions.TASK)
                  .equalTo(col("first_task"))
                  .and(col(InstructionSchema.INS_ID).equalTo(col("first_id"))))
          .select(
              col("first_task"),
              col("first_id"),
              substring(col(InstructionSchema.INSTRUCTION), 1, 120),
              substring(col(InstructionSchema.ANSWER), 1, 120))
          .collectAsList()
          .forEach(
              r ->
                  text.put(
                      r.getString(0) + ":" + r.getString(1), r.getString(2) + " → " + r.get(3)));
    }
    DataTable t =
        new DataTable(
            "duplicate-instructions-list",
            "Largest groups of instructions with the same instruction and answer",
            List.of(
                "instruction → answer (first 120 characters)",
                "ids",
                "ids (first " + IDS_SHOWN + ")"));
    top.forEach(
        r -> t.row(text.get(r.getString(3) + ":" + r.getString(4)), r.getLong(1), r.getString(2)));
    s.table(t);
  }

  /**
   * Counts the groups of rows of {@code keyed} (key, task, id) sharing a key, writes the totals,
   * and returns the largest groups: key, size, the first ids, the first task and id.
   */
  private static List<Row> add(
      Section s, String id, String what, String sameWhat, Dataset<Row> keyed) {
    Dataset<Row> groups =
        keyed
            .where(col("key").isNotNull())
            .groupBy(col("key"))
            .agg(count(lit(1)).as("n"))
            .where(col("n").gt(1));
    Row totals = groups.agg(count(lit(1)), sum("n")).first();
    long groupCount = totals.getLong(0);
    long rows = totals.isNullAt(1) ? 0 : totals.getLong(1);
    DataTable t =
        new DataTable(
            id,
            "Exact duplicates: one " + sameWhat + " under several " + what + " ids",
            List.of("groups", what + " ids in them", "ids beyond the first of each group"));
    t.row(groupCount, rows, rows - groupCount);
    s.table(t);
    if (groupCount == 0) {
      s.text(String.format(Locale.ROOT, "No two %s ids share their %s.", what, sameWhat));
      return List.of();
    }
    Dataset<Row> largest =
        groups
            .orderBy(col("n").desc(), col("key").asc())
            .limit(LISTED)
            .withColumnRenamed("key", "k");
    return keyed
        .join(broadcast(largest), col("key").equalTo(col("k")))
        .withColumn(
            "rn", row_number().over(Window.partitionBy("key").orderBy(Partitions.TASK, "id")))
        .where(col("rn").leq(IDS_SHOWN))
        .groupBy(col("key"), col("n"))
        .agg(
            concat_ws(
                    ", ",
                    sort_array(collect_list(concat(col(Partitions.TASK), lit(":"), col("id")))))
                .as("ids"),
            min(concat(col(Partitions.TASK), lit("\u0000"), col("id"))).as("first"))
        .select(
            col("key"),
            col("n"),
            col("ids"),
            org.apache
                .spark
                .sql
                .functions
                .split(col("first"), "\u0000")
                .getItem(0)
                .as("first_task"),
            org.apache.spark.sql.functions.split(col("first"), "\u0000").getItem(1).as("first_id"))
        .orderBy(col("n").desc(), col("key").asc())
        .collectAsList();
  }
}
