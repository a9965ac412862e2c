package org.mimicit.jobs.incontext;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_remove;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.warehouse.Partitions;

/**
 * The join itself, pure (no actions, no IO): relations are exploded with their position, joined to
 * the instructions they name, and gathered back in order; the image ids of an instruction and of
 * its context that no image row has are listed. Ids may point across tasks.
 */
final class ContextJoin {
  /**
   * Context examples the random policy draws, and the same-images policy takes per image, when
   * --max-context is not given.
   */
  static final int DEFAULT_K = 7;

  /** An instruction's image ids that no image row has, on the way through the join. */
  private static final String MISSING = "missing";

  private ContextJoin() {}

  /**
   * The in-context rows of {@code instructions} (all tasks are looked up, only {@code tasks} are
   * joined; all when empty). Pure: no actions.
   */
  static Dataset<Row> contexts(
      Dataset<Row> instructions,
      Dataset<Row> imageIds,
      Dataset<Row> train,
      Set<String> tasks,
      int maxContext,
      Relations policy,
      long seed) {
    Dataset<Row> wanted = wanted(instructions, tasks);
    return resolve(
        instructions,
        imageIds,
        wanted,
        declared(wanted, train, maxContext, policy, seed),
        maxContext);
  }

  static Dataset<Row> wanted(Dataset<Row> instructions, Set<String> tasks) {
    return tasks.isEmpty()
        ? instructions
        : instructions.where(col(Partitions.TASK).isin(tasks.toArray()));
  }

  /** The relations the policy gives: rows {@code task, ins_id, rel_ins_ids}. */
  static Dataset<Row> declared(
      Dataset<Row> wanted, Dataset<Row> train, int maxContext, Relations policy, long seed) {
    int k = maxContext == Integer.MAX_VALUE ? DEFAULT_K : maxContext;
    return switch (policy) {
      case REL -> declaredRelations(wanted, train);
      case SAME_IMAGES -> Relations.sameImages(wanted, k);
      case RANDOM -> Relations.random(wanted, k, seed);
    };
  }

  /**
   * Policy {@code rel}: a task's train config replaces its {@code rel_ins_ids} (instructions it
   * leaves out get none; ids it names that are no instruction are left out).
   */
  private static Dataset<Row> declaredRelations(Dataset<Row> wanted, Dataset<Row> train) {
    Dataset<Row> declared =
        wanted.select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            col(InstructionSchema.REL_INS_IDS));
    if (train != null) {
      Dataset<Row> trainTasks = train.select(Partitions.TASK).distinct();
      declared =
          declared
              .join(trainTasks, usingColumns(Partitions.TASK), "left_anti")
              .unionByName(
                  train
                      .join(
                          declared.select(Partitions.TASK, InstructionSchema.INS_ID),
                          usingColumns(Partitions.TASK, InstructionSchema.INS_ID),
                          "inner")
                      .select(
                          Partitions.TASK,
                          InstructionSchema.INS_ID,
                          InstructionSchema.REL_INS_IDS));
    }
    return declared;
  }

  /**
   * Joins declared relations (task, ins_id, rel_ins_ids) into the in-context rows of wanted. Ids
   * only: each relation is one small row (task, ins_id, pos, rel_id) joined once to the ids of all
   * instructions, which carry only the image ids of theirs that no image row has (usually none);
   * the rows of one instruction are then gathered in order by a sort and folded by {@link
   * ContextAssembly}, one instruction at a time. No instruction text moves. {@code imageIds} null:
   * there is no images table, every image is missing.
   */
  static Dataset<Row> resolve(
      Dataset<Row> instructions,
      Dataset<Row> imageIds,
      Dataset<Row> wanted,
      Dataset<Row> declared,
      int maxContext) {
    Dataset<Row> entries = entries(wanted, declared);
    Dataset<Row> targets = targets(instructions, imageIds);
    return entries
        .join(
            targets,
            entries
                .col("rel_id")
                .equalTo(targets.col("t_id"))
                .and(
                    entries
                        .col("pos")
                        .geq(0)
                        .or(entries.col(Partitions.TASK).equalTo(targets.col("t_task")))),
            "left")
        .select(
            entries.col(Partitions.TASK),
            entries.col(InstructionSchema.INS_ID),
            col("pos"),
            col("rel_id"),
            col("t_id").isNotNull().as("found"),
            col("t_missing").as(MISSING))
        // the hash first: a sort on a long key is a radix sort; ids share long prefixes
        .withColumn("h", xxhash64(col(Partitions.TASK), col(InstructionSchema.INS_ID)))
        .repartition(col("h"))
        .sortWithinPartitions("h", Partitions.TASK, InstructionSchema.INS_ID, "pos")
        .mapPartitions(new ContextAssembly(maxContext), Encoders.row(ContextAssembly.SCHEMA));
  }

  /**
   * Rows (task, ins_id, pos, rel_id): each wanted instruction itself at pos -1 (so that every one
   * gets a row, and its own missing images come through the same join), then its declared related
   * ids, self-references and repeats dropped, the first position kept.
   */
  private static Dataset<Row> entries(Dataset<Row> wanted, Dataset<Row> declared) {
    Dataset<Row> self =
        wanted.select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            lit(-1).as("pos"),
            col(InstructionSchema.INS_ID).as("rel_id"));
    Dataset<Row> related =
        declared.select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            posexplode(
                    array_distinct(
                        array_remove(
                            col(InstructionSchema.REL_INS_IDS), col(InstructionSchema.INS_ID))))
                .as(new String[] {"pos", "rel_id"}));
    return self.unionByName(related);
  }

  /**
   * Every instruction (of any task) as (t_task, t_id, t_missing): its image ids that no image row
   * has, null when none.
   */
  private static Dataset<Row> targets(Dataset<Row> instructions, Dataset<Row> imageIds) {
    if (imageIds == null) {
      return instructions.select(
          col(Partitions.TASK).as("t_task"),
          col(InstructionSchema.INS_ID).as("t_id"),
          array_distinct(col(InstructionSchema.IMAGE_IDS)).as("t_missing"));
    }
    Dataset<Row> imageRefs =
        instructions.select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            explode(array_distinct(col(InstructionSchema.IMAGE_IDS))).as("image_id"));
    Dataset<Row> missing =
        imageRefs
            .join(
                imageIds.distinct(),
                imageRefs.col("image_id").equalTo(imageIds.col(ImageSchema.IMAGE_ID)),
                "left_anti")
            .groupBy(Partitions.TASK, InstructionSchema.INS_ID)
            .agg(collect_list(col("image_id")).as("t_missing"));
    return instructions
        .select(col(Partitions.TASK), col(InstructionSchema.INS_ID))
        .join(missing, usingColumns(Partitions.TASK, InstructionSchema.INS_ID), "left")
        .select(
            col(Partitions.TASK).as("t_task"),
            col(InstructionSchema.INS_ID).as("t_id"),
            col("t_missing"));
  }

  static scala.collection.immutable.Seq<String> usingColumns(String... names) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(names)).toList();
  }
}
