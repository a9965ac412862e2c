package org.mimicit.jobs.incontext;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.warehouse.Partitions;

/**
 * Where an instruction's related instructions come from ({@code --policy}). Each policy gives rows
 * {@code task, ins_id, rel_ins_ids} for the instructions it relates; pure, no actions.
 */
enum Relations {
  /** The train config of the task when there is one, else the records' {@code rel_ins_ids}. */
  REL,
  /** The other instructions of the task that share an image, by id. */
  SAME_IMAGES,
  /** k other instructions of the same task, drawn with {@code --seed}: the same every run. */
  RANDOM;

  static Relations parse(String value) {
    try {
      return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot set --policy to %s, the value must be one of rel, same-images, random.",
              value));
    }
  }

  static Dataset<Row> sameImages(Dataset<Row> wanted) {
    Dataset<Row> byImage =
        wanted.select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            explode(array_distinct(col(InstructionSchema.IMAGE_IDS))).as("image_id"));
    Dataset<Row> other =
        byImage.select(
            col(Partitions.TASK).as("o_task"),
            col(InstructionSchema.INS_ID).as("o_id"),
            col("image_id").as("o_image"));
    return byImage
        .join(
            other,
            byImage
                .col("image_id")
                .equalTo(other.col("o_image"))
                .and(byImage.col(Partitions.TASK).equalTo(other.col("o_task")))
                .and(byImage.col(InstructionSchema.INS_ID).notEqual(other.col("o_id"))))
        .groupBy(Partitions.TASK, InstructionSchema.INS_ID)
        .agg(sort_array(collect_set(col("o_id"))).as(InstructionSchema.REL_INS_IDS));
  }

  static Dataset<Row> random(Dataset<Row> wanted, int k, long seed) {
    var byTask = Window.partitionBy(Partitions.TASK).orderBy(InstructionSchema.INS_ID);
    Dataset<Row> numbered =
        wanted.select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            row_number().over(byTask).minus(1).cast("long").as("idx"),
            count("*").over(Window.partitionBy(Partitions.TASK)).as("n"));
    // 4k + 8 seeded draws, repeats and the instruction itself dropped, the first k kept
    Dataset<Row> picks =
        numbered.select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            posexplode(
                    slice(
                        filter(
                            array_distinct(
                                transform(
                                    sequence(lit(0), lit(4 * k + 8)),
                                    j ->
                                        pmod(
                                            xxhash64(lit(seed), col(InstructionSchema.INS_ID), j),
                                            col("n")))),
                            x -> x.notEqual(col("idx"))),
                        1,
                        k))
                .as(new String[] {"pos", "pick"}));
    Dataset<Row> targets =
        numbered.select(
            col(Partitions.TASK).as("t_task"),
            col("idx").as("t_idx"),
            col(InstructionSchema.INS_ID).as("t_id"));
    return picks
        .join(
            targets,
            picks
                .col(Partitions.TASK)
                .equalTo(targets.col("t_task"))
                .and(picks.col("pick").equalTo(targets.col("t_idx"))))
        .groupBy(Partitions.TASK, InstructionSchema.INS_ID)
        .agg(
            sort_array(org.apache.spark.sql.functions.collect_list(struct(col("pos"), col("t_id"))))
                .as("ordered"))
        .select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            transform(col("ordered"), e -> e.getField("t_id")).as(InstructionSchema.REL_INS_IDS));
  }

  /** The names, for help and errors. */
  static List<String> names() {
    return List.of("rel", "same-images", "random");
  }
}
