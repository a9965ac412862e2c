package org.mimicit.jobs.incontext;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
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
  /** The instructions of the task that share an image, by id, at most k per image. */
  SAME_IMAGES,
  /** k other instructions of the same task, drawn with {@code --seed}: the same every run. */
  RANDOM;

  /** About this many instructions are shuffled together by the random policy. */
  static final long RANDOM_BUCKET = 10_000;

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

  /**
   * Policy {@code same-images}: per image of the task, the instructions that show it in id order,
   * each related to the {@code k} that follow it there, wrapping around (all the others when at
   * most {@code k + 1} share the image); an instruction's relations are those of all its images, in
   * id order. Bounded: a frame shared by n instructions gives n x k pairs, not n x n.
   */
  static Dataset<Row> sameImages(Dataset<Row> wanted, int k) {
    Dataset<Row> byImage =
        wanted.select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            explode(array_distinct(col(InstructionSchema.IMAGE_IDS))).as("group"));
    Dataset<Row> pairs = successors(byImage, col(InstructionSchema.INS_ID), k);
    return pairs
        .groupBy(Partitions.TASK, InstructionSchema.INS_ID)
        .agg(sort_array(collect_set(col("t_id"))).as(InstructionSchema.REL_INS_IDS));
  }

  /**
   * Policy {@code random}: the instructions of a task are shuffled by a hash of the seed and the
   * id, in buckets of about {@value #RANDOM_BUCKET} (also drawn by that hash), and each is related
   * to the {@code k} that follow it in its bucket's order, wrapping around. The same seed gives the
   * same relations on any cluster; no Spark task holds more than one bucket.
   */
  static Dataset<Row> random(Dataset<Row> wanted, int k, long seed) {
    return random(wanted, k, seed, RANDOM_BUCKET);
  }

  /** As {@link #random(Dataset, int, long)}, in buckets of about {@code bucket} instructions. */
  static Dataset<Row> random(Dataset<Row> wanted, int k, long seed, long bucket) {
    Dataset<Row> sizes = wanted.groupBy(Partitions.TASK).agg(count("*").as("n"));
    Column buckets = greatest(lit(1L), ceil(col("n").divide(bucket)));
    Dataset<Row> bucketed =
        wanted
            .select(col(Partitions.TASK), col(InstructionSchema.INS_ID))
            .join(broadcast(sizes), ContextJoin.usingColumns(Partitions.TASK))
            .select(
                col(Partitions.TASK),
                col(InstructionSchema.INS_ID),
                pmod(xxhash64(lit(seed), col(InstructionSchema.INS_ID)), buckets).as("group"));
    Dataset<Row> pairs =
        successors(bucketed, xxhash64(lit(seed), lit("order"), col(InstructionSchema.INS_ID)), k);
    return pairs
        .groupBy(Partitions.TASK, InstructionSchema.INS_ID)
        .agg(sort_array(collect_list(struct(col("pos"), col("t_id")))).as("ordered"))
        .select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            transform(col("ordered"), e -> e.getField("t_id")).as(InstructionSchema.REL_INS_IDS));
  }

  /**
   * Rows (task, ins_id, pos, t_id) of {@code grouped} (task, ins_id, group): in each (task, group)
   * ordered by {@code order} then id, every instruction and the {@code k} that follow it (pos 1 ..
   * k), wrapping around; fewer when the group is smaller. A window per group: never more rows in
   * one place than a group has.
   */
  private static Dataset<Row> successors(Dataset<Row> grouped, Column order, int k) {
    Dataset<Row> ranked =
        grouped.select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            col("group"),
            row_number()
                .over(
                    Window.partitionBy(col(Partitions.TASK), col("group"))
                        .orderBy(order, col(InstructionSchema.INS_ID)))
                .minus(1)
                .cast("long")
                .as("r"),
            count("*").over(Window.partitionBy(col(Partitions.TASK), col("group"))).as("m"));
    Dataset<Row> picks =
        ranked
            .where(col("m").gt(1))
            .select(
                col(Partitions.TASK),
                col(InstructionSchema.INS_ID),
                col("group"),
                posexplode(
                        transform(
                            sequence(lit(1L), least(lit((long) k), col("m").minus(1))),
                            j -> pmod(col("r").plus(j), col("m"))))
                    .as(new String[] {"pos", "t_r"}));
    Dataset<Row> targets =
        ranked.select(
            col(Partitions.TASK).as("t_task"),
            col("group").as("t_group"),
            col("r").as("t_r2"),
            col(InstructionSchema.INS_ID).as("t_id"));
    return picks
        .join(
            targets,
            col(Partitions.TASK)
                .equalTo(col("t_task"))
                .and(col("group").equalTo(col("t_group")))
                .and(col("t_r").equalTo(col("t_r2"))))
        .select(col(Partitions.TASK), col(InstructionSchema.INS_ID), col("pos"), col("t_id"));
  }

  /** The names, for help and errors. */
  static List<String> names() {
    return List.of("rel", "same-images", "random");
  }
}
