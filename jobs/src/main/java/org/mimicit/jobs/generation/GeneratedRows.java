package org.mimicit.jobs.generation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.schema.InstructionSchema;

/**
 * The instruction rows of accepted replies: each pair of a reply numbered ({@code <TASK>_INS_<n>},
 * by annotation id then reply order) and related to the other pairs of its annotation. Pure but for
 * the numbering, which is an RDD pass in order.
 */
final class GeneratedRows {
  private static final StructType NUMBERED =
      new StructType()
          .add("annotation_id", "string")
          .add("pos", "int")
          .add("image_ids", DataTypes.createArrayType(DataTypes.StringType))
          .add("model", "string")
          .add("instruction", "string")
          .add("answer", "string")
          .add(InstructionSchema.INS_ID, "string");

  private GeneratedRows() {}

  /** The pairs of the answered annotations, numbered: {@link #NUMBERED} rows. */
  static Dataset<Row> generated(
      SparkSession spark, Dataset<Row> good, Dataset<Row> replies, GeneratedIds ids) {
    Dataset<Row> answered = good.join(replies, good.col("key").equalTo(replies.col("c_key")));
    return number(
        spark,
        answered
            .select(
                col("id").as("annotation_id"),
                col("image_ids"),
                col("c_model").as("model"),
                posexplode(col("pairs")).as(new String[] {"pos", "pair"}))
            .select(
                col("annotation_id"),
                col("pos"),
                col("image_ids"),
                col("model"),
                col("pair.instruction").as("instruction"),
                col("pair.answer").as("answer")),
        ids);
  }

  /** Instruction rows of the numbered pairs, each related to the other pairs of its annotation. */
  static Dataset<Row> newRows(Dataset<Row> generated, GenerateInstructionsConfig config) {
    Dataset<Row> siblings =
        generated
            .groupBy("annotation_id")
            .agg(collect_list(InstructionSchema.INS_ID).as("all_ids"));
    return generated
        .join(siblings, "annotation_id")
        .select(
            col(InstructionSchema.INS_ID),
            col("instruction").as(InstructionSchema.INSTRUCTION),
            col("answer").as(InstructionSchema.ANSWER),
            col("image_ids").as(InstructionSchema.IMAGE_IDS),
            org.apache
                .spark
                .sql
                .functions
                .array_sort(filter(col("all_ids"), x -> x.notEqual(col(InstructionSchema.INS_ID))))
                .as(InstructionSchema.REL_INS_IDS),
            to_json(
                    struct(
                        col("annotation_id"),
                        lit(GeneratedIds.GENERATED_BY).as("generated_by"),
                        col("model")))
                .as(InstructionSchema.EXTRA_JSON),
            lit(config.annotations()).as(InstructionSchema.SOURCE));
  }

  /** Numbers the pairs in order of annotation id, then of their place in the reply. */
  static Dataset<Row> number(SparkSession spark, Dataset<Row> pairs, GeneratedIds ids) {
    JavaRDD<Row> numbered =
        pairs
            .orderBy("annotation_id", "pos")
            .javaRDD()
            .zipWithIndex()
            .map(
                t ->
                    RowFactory.create(
                        t._1().getString(0),
                        t._1().getInt(1),
                        t._1().getList(2).toArray(new String[0]),
                        t._1().getString(3),
                        t._1().getString(4),
                        t._1().getString(5),
                        ids.id(t._2())));
    return spark.createDataFrame(numbered, NUMBERED);
  }
}
