package org.mimicit.jobs.incontext;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_remove;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
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

  /** Makes the second hash of an instruction independent of the first. */
  private static final long SECOND_HASH_SALT = 0x6d696d6963697400L;

  private static final ArrayType IDS = new ArrayType(DataTypes.StringType, true);

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
        instructions, imageIds, declared(wanted, train, maxContext, policy, seed), maxContext);
  }

  static Dataset<Row> wanted(Dataset<Row> instructions, Set<String> tasks) {
    return tasks.isEmpty()
        ? instructions
        : instructions.where(col(Partitions.TASK).isin(tasks.toArray()));
  }

  /**
   * The relations the policy gives: rows {@code task, ins_id, rel_ins_ids}, one for every wanted
   * instruction (an empty array where the policy relates it to none).
   */
  static Dataset<Row> declared(
      Dataset<Row> wanted, Dataset<Row> train, int maxContext, Relations policy, long seed) {
    int k = maxContext == Integer.MAX_VALUE ? DEFAULT_K : maxContext;
    return switch (policy) {
      case REL -> declaredRelations(wanted, train);
      case SAME_IMAGES -> everyOne(wanted, Relations.sameImages(wanted, k));
      case RANDOM -> everyOne(wanted, Relations.random(wanted, k, seed));
    };
  }

  /** Relations of some instructions of wanted, for all of them (an empty array for the others). */
  private static Dataset<Row> everyOne(Dataset<Row> wanted, Dataset<Row> relations) {
    return wanted
        .select(col(Partitions.TASK), col(InstructionSchema.INS_ID))
        .join(relations, usingColumns(Partitions.TASK, InstructionSchema.INS_ID), "left")
        .select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            coalesce(col(InstructionSchema.REL_INS_IDS), array().cast(IDS))
                .as(InstructionSchema.REL_INS_IDS));
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
                  everyOne(
                      wanted.join(trainTasks, usingColumns(Partitions.TASK), "left_semi"),
                      train.select(
                          Partitions.TASK,
                          InstructionSchema.INS_ID,
                          InstructionSchema.REL_INS_IDS)));
    }
    return declared;
  }

  /**
   * Joins declared relations (task, ins_id, rel_ins_ids; a row for every wanted instruction) into
   * their in-context rows. Ids only: each relation is one small row (task, ins_id, pos, rel_id)
   * joined once to the ids of all instructions, which carry only the image ids of theirs that no
   * image row has (usually none); the rows of one instruction are then gathered by a sort on its
   * hash and folded by {@link ContextAssembly}, one instruction at a time. No instruction text
   * moves. {@code imageIds} null: there is no images table, every image is missing.
   */
  static Dataset<Row> resolve(
      Dataset<Row> instructions, Dataset<Row> imageIds, Dataset<Row> declared, int maxContext) {
    return resolve(instructions, imageIds, declared, maxContext, null);
  }

  /** As {@link #resolve(Dataset, Dataset, Dataset, int)}, counting the rows in {@code counts}. */
  static Dataset<Row> resolve(
      Dataset<Row> instructions,
      Dataset<Row> imageIds,
      Dataset<Row> declared,
      int maxContext,
      ContextCounts counts) {
    Dataset<Row> entries = entries(declared);
    Dataset<Row> targets = targets(instructions, imageIds);
    // Joined and sorted on 64-bit hashes: Spark sorts a long key by radix, where ids (which share
    // long prefixes such as "LA_INS_000") need a full comparison each. The ids themselves are
    // compared in the join condition, so a hash collision never joins two different ids.
    Column sameId = entries.col("rel_id").equalTo(targets.col("t_id"));
    return entries
        .join(
            targets,
            entries
                .col("rel_key")
                .equalTo(targets.col("t_key"))
                .and(coalesce(sameId, lit(false)).equalTo(lit(true)))
                .and(
                    entries
                        .col("pos")
                        .geq(0)
                        .or(entries.col(Partitions.TASK).equalTo(targets.col("t_task")))),
            "left")
        .select(
            col("h"),
            col("h2"),
            col("pos"),
            col("rel_id"),
            col("t_id").isNotNull().as("found"),
            col("t_missing").as(MISSING),
            col("self_refs"),
            entries.col(Partitions.TASK),
            entries.col(InstructionSchema.INS_ID))
        .repartition(col("h"))
        .sortWithinPartitions("h")
        .mapPartitions(
            new ContextAssembly(maxContext, counts), Encoders.row(ContextAssembly.SCHEMA));
  }

  /**
   * Rows (h, h2, pos, rel_id, rel_key, self_refs, task, ins_id) of the declared relations: each
   * instruction itself at pos -1 (so that every one gets a row, and its own missing images come
   * through the same join), then its related ids, self-references and repeats dropped, the first
   * position kept. (h, h2) are two 64-bit hashes of (task, ins_id), which stand for the instruction
   * on every row but its own (task, ins_id and self_refs are null or 0 there): fewer bytes through
   * the shuffles and no id strings to decode per relation. rel_key is the hash of rel_id.
   */
  private static Dataset<Row> entries(Dataset<Row> declared) {
    Column ins = col(InstructionSchema.INS_ID);
    Column rel = col(InstructionSchema.REL_INS_IDS);
    Column own = col("at").equalTo(0);
    return declared
        .select(
            col(Partitions.TASK),
            ins,
            xxhash64(col(Partitions.TASK), ins).as("h"),
            xxhash64(lit(SECOND_HASH_SALT), col(Partitions.TASK), ins).as("h2"),
            size(rel).minus(size(array_remove(rel, ins))).as("self_refs"),
            posexplode(concat(array(ins), array_distinct(array_remove(rel, ins))))
                .as(new String[] {"at", "rel_id"}))
        .select(
            col("h"),
            col("h2"),
            col("at").minus(1).as("pos"),
            col("rel_id"),
            xxhash64(col("rel_id")).as("rel_key"),
            when(own, col("self_refs")).otherwise(0).as("self_refs"),
            when(own, col(Partitions.TASK)).as(Partitions.TASK),
            when(own, ins).as(InstructionSchema.INS_ID));
  }

  /**
   * Every instruction (of any task) as (t_task, t_id, t_key, t_missing): t_key the hash of the id,
   * t_missing its image ids that no image row has, null when none.
   */
  private static Dataset<Row> targets(Dataset<Row> instructions, Dataset<Row> imageIds) {
    if (imageIds == null) {
      return instructions.select(
          col(Partitions.TASK).as("t_task"),
          col(InstructionSchema.INS_ID).as("t_id"),
          xxhash64(col(InstructionSchema.INS_ID)).as("t_key"),
          array_distinct(col(InstructionSchema.IMAGE_IDS)).as("t_missing"));
    }
    Dataset<Row> imageRefs =
        instructions
            .select(
                col(Partitions.TASK),
                col(InstructionSchema.INS_ID),
                explode(array_distinct(col(InstructionSchema.IMAGE_IDS))).as("image_id"))
            .withColumn("image_key", xxhash64(col("image_id")));
    Dataset<Row> known =
        imageIds.select(
            xxhash64(col(ImageSchema.IMAGE_ID)).as("i_key"), col(ImageSchema.IMAGE_ID).as("i_id"));
    // on the hash (a long key probes fast), the ids compared where the hashes agree
    Dataset<Row> missing =
        imageRefs
            .join(
                known,
                col("image_key")
                    .equalTo(col("i_key"))
                    .and(
                        coalesce(col("image_id").equalTo(col("i_id")), lit(false))
                            .equalTo(lit(true))),
                "left_anti")
            .groupBy(Partitions.TASK, InstructionSchema.INS_ID)
            .agg(collect_list(col("image_id")).as("t_missing"));
    return instructions
        .select(col(Partitions.TASK), col(InstructionSchema.INS_ID))
        .join(missing, usingColumns(Partitions.TASK, InstructionSchema.INS_ID), "left")
        .select(
            col(Partitions.TASK).as("t_task"),
            col(InstructionSchema.INS_ID).as("t_id"),
            xxhash64(col(InstructionSchema.INS_ID)).as("t_key"),
            col("t_missing"));
  }

  static scala.collection.immutable.Seq<String> usingColumns(String... names) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(names)).toList();
  }
}
