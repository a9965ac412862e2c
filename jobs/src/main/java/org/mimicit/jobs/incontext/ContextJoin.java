package org.mimicit.jobs.incontext;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.schema.InContextSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.warehouse.Partitions;

/**
 * The join itself, pure (no actions, no IO): relations are exploded with their position, joined to
 * the instructions they name, and gathered back in order; the image ids of an instruction and of
 * its context that no image row has are listed. Ids may point across tasks.
 */
final class ContextJoin {
  /** Context examples the random policy draws when --max-context is not given. */
  static final int DEFAULT_RANDOM_K = 7;

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
    return switch (policy) {
      case REL -> declaredRelations(wanted, train);
      case SAME_IMAGES -> Relations.sameImages(wanted);
      case RANDOM ->
          Relations.random(
              wanted, maxContext == Integer.MAX_VALUE ? DEFAULT_RANDOM_K : maxContext, seed);
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

  /** Joins declared relations (task, ins_id, rel_ins_ids) into the in-context rows of wanted. */
  static Dataset<Row> resolve(
      Dataset<Row> instructions,
      Dataset<Row> imageIds,
      Dataset<Row> wanted,
      Dataset<Row> declared,
      int maxContext) {
    Dataset<Row> gathered = gathered(instructions, relations(declared));
    Dataset<Row> withContext = withContext(wanted, gathered, maxContext);
    Dataset<Row> missingImages = missingImages(withContext, imageIds);
    return withContext
        .join(missingImages, usingColumns(Partitions.TASK, InstructionSchema.INS_ID), "left")
        .select(
            col(InstructionSchema.INS_ID),
            transform(col(InContextSchema.CONTEXT), e -> e.getField(InstructionSchema.INS_ID))
                .as(InContextSchema.CONTEXT_INS_IDS),
            col(InContextSchema.MISSING_INS_IDS),
            orEmpty(InContextSchema.MISSING_IMAGE_IDS, missingImages)
                .as(InContextSchema.MISSING_IMAGE_IDS),
            col(InContextSchema.CONTEXT),
            col(Partitions.TASK));
  }

  /** (task, ins_id, pos, rel_id), self-references and repeats dropped, first position kept. */
  private static Dataset<Row> relations(Dataset<Row> declared) {
    return declared
        .select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            posexplode(col(InstructionSchema.REL_INS_IDS)).as(new String[] {"pos", "rel_id"}))
        .where(col("rel_id").notEqual(col(InstructionSchema.INS_ID)))
        .groupBy(Partitions.TASK, InstructionSchema.INS_ID, "rel_id")
        .agg(min("pos").as("pos"));
  }

  /**
   * Per (task, ins_id): the related examples found, and the related ids not found, each as (pos,
   * ...) structs sorted by position.
   */
  private static Dataset<Row> gathered(Dataset<Row> instructions, Dataset<Row> relations) {
    Dataset<Row> examples =
        instructions.select(
            col(InstructionSchema.INS_ID).as("rel_id"),
            struct(
                    col(InstructionSchema.INS_ID),
                    col(InstructionSchema.INSTRUCTION),
                    col(InstructionSchema.ANSWER),
                    col(InstructionSchema.IMAGE_IDS))
                .as("example"));
    Dataset<Row> resolved =
        relations
            .join(examples, relations.col("rel_id").equalTo(examples.col("rel_id")), "left")
            .select(
                relations.col(Partitions.TASK),
                relations.col(InstructionSchema.INS_ID),
                relations.col("pos"),
                relations.col("rel_id"),
                col("example"));
    Column found = col("example").isNotNull();
    return resolved
        .groupBy(Partitions.TASK, InstructionSchema.INS_ID)
        .agg(
            sort_array(collect_list(when(found, struct(col("pos"), col("example"))))).as("found"),
            sort_array(
                    collect_list(
                        when(
                            org.apache.spark.sql.functions.not(found),
                            struct(col("pos"), col("rel_id")))))
                .as("missing"));
  }

  /** Every wanted instruction with its context (cut to maxContext) and its dangling ids. */
  private static Dataset<Row> withContext(
      Dataset<Row> wanted, Dataset<Row> gathered, int maxContext) {
    return wanted
        .select(
            col(Partitions.TASK), col(InstructionSchema.INS_ID), col(InstructionSchema.IMAGE_IDS))
        .join(gathered, usingColumns(Partitions.TASK, InstructionSchema.INS_ID), "left")
        .select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            col(InstructionSchema.IMAGE_IDS),
            slice(transform(orEmpty("found", gathered), e -> e.getField("example")), 1, maxContext)
                .as(InContextSchema.CONTEXT),
            transform(orEmpty("missing", gathered), e -> e.getField("rel_id"))
                .as(InContextSchema.MISSING_INS_IDS));
  }

  /** Image ids of the instruction and of its (cut) context that no image row has, sorted. */
  private static Dataset<Row> missingImages(Dataset<Row> withContext, Dataset<Row> imageIds) {
    Dataset<Row> imageRefs =
        withContext.select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            explode(
                    array_distinct(
                        flatten(
                            org.apache.spark.sql.functions.array(
                                col(InstructionSchema.IMAGE_IDS),
                                flatten(
                                    transform(
                                        col(InContextSchema.CONTEXT),
                                        e -> e.getField(InstructionSchema.IMAGE_IDS)))))))
                .as("image_id"));
    return imageRefs
        .join(
            imageIds.distinct(),
            imageRefs.col("image_id").equalTo(imageIds.col(ImageSchema.IMAGE_ID)),
            "left_anti")
        .groupBy(Partitions.TASK, InstructionSchema.INS_ID)
        .agg(sort_array(collect_list(col("image_id"))).as(InContextSchema.MISSING_IMAGE_IDS));
  }

  /** The array column, or an empty array of its type where a left join found nothing. */
  private static Column orEmpty(String column, Dataset<Row> of) {
    return coalesce(
        col(column),
        org.apache.spark.sql.functions.array().cast(of.schema().apply(column).dataType()));
  }

  static scala.collection.immutable.Seq<String> usingColumns(String... names) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(names)).toList();
  }
}
