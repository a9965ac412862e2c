package org.mimicit.jobs.export;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.mimicit.common.schema.ExampleSchema;
import org.mimicit.common.schema.InContextSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.schema.TranslationSchema;
import org.mimicit.common.warehouse.Partitions;

/**
 * The examples of an export, one row per instruction and language, as pure transforms of the
 * warehouse tables: {@code task, lang, ins_id, instruction, answer, image_ids, rel_ins_ids,
 * extra_json, context, context_ins_ids}. {@code en} is the instructions table's text; another
 * language is its translation, with image ids, relations and extra fields of the source, and the
 * context examples' text translated where a translation exists (else in the source language).
 */
final class ExampleTable {
  static final String LANG = ExampleSchema.LANG;
  private static final ArrayType CONTEXT_TYPE = new ArrayType(ExampleSchema.CONTEXT_ENTRY, false);
  private static final ArrayType IDS_TYPE = new ArrayType(DataTypes.StringType, false);

  private ExampleTable() {}

  /** The source pairs with their context ({@code incontext} may be null: no context). */
  static Dataset<Row> source(Dataset<Row> instructions, Dataset<Row> incontext) {
    Dataset<Row> base =
        instructions.select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            col(InstructionSchema.INSTRUCTION),
            col(InstructionSchema.ANSWER),
            col(InstructionSchema.IMAGE_IDS),
            col(InstructionSchema.REL_INS_IDS),
            col(InstructionSchema.EXTRA_JSON));
    if (incontext == null) {
      return base.withColumn(InContextSchema.CONTEXT, array().cast(CONTEXT_TYPE))
          .withColumn(InContextSchema.CONTEXT_INS_IDS, array().cast(IDS_TYPE));
    }
    Dataset<Row> ids =
        incontext.select(
            col(Partitions.TASK),
            col(InContextSchema.INS_ID),
            col(InContextSchema.CONTEXT_INS_IDS));
    return base.join(ids, using(Partitions.TASK, InstructionSchema.INS_ID), "left")
        .join(contexts(instructions, ids), using(Partitions.TASK, InstructionSchema.INS_ID), "left")
        .withColumn(
            InContextSchema.CONTEXT,
            coalesce(col(InContextSchema.CONTEXT), array().cast(CONTEXT_TYPE)))
        .withColumn(
            InContextSchema.CONTEXT_INS_IDS,
            coalesce(col(InContextSchema.CONTEXT_INS_IDS), array().cast(IDS_TYPE)));
  }

  /**
   * The context examples of each instruction with context, in order: its {@code context_ins_ids}
   * exploded with their position, each joined to the instruction it names (of any task), gathered
   * back. The {@code incontext} table holds ids only; the texts are attached here.
   */
  private static Dataset<Row> contexts(Dataset<Row> instructions, Dataset<Row> ids) {
    Dataset<Row> entries =
        ids.select(
            col(Partitions.TASK),
            col(InContextSchema.INS_ID),
            posexplode(col(InContextSchema.CONTEXT_INS_IDS)).as(new String[] {"pos", "c_id"}));
    Dataset<Row> examples =
        instructions.select(
            col(InstructionSchema.INS_ID).as("e_id"),
            struct(
                    col(InstructionSchema.INS_ID).as(ExampleSchema.INS_ID),
                    col(InstructionSchema.INSTRUCTION).as(ExampleSchema.INSTRUCTION),
                    col(InstructionSchema.ANSWER).as(ExampleSchema.ANSWER),
                    col(InstructionSchema.IMAGE_IDS).as(ExampleSchema.IMAGE_IDS))
                .as("e"));
    return entries
        .join(examples, col("c_id").equalTo(col("e_id")))
        .groupBy(col(Partitions.TASK), col(InContextSchema.INS_ID))
        .agg(sort_array(collect_list(struct(col("pos"), col("e")))).as("entries"))
        .select(
            col(Partitions.TASK),
            col(InContextSchema.INS_ID),
            transform(col("entries"), e -> e.getField("e")).as(InContextSchema.CONTEXT));
  }

  /**
   * The examples in the given languages: {@code en} from {@code source}, the others from {@code
   * translations} (may be null when only {@code en} is asked for).
   */
  static Dataset<Row> examples(
      Dataset<Row> source, Dataset<Row> translations, List<String> languages) {
    Dataset<Row> result = null;
    if (languages.contains(ExampleSchema.SOURCE_LANG)) {
      result = source.withColumn(LANG, lit(ExampleSchema.SOURCE_LANG));
    }
    List<String> others =
        languages.stream().filter(l -> !l.equals(ExampleSchema.SOURCE_LANG)).toList();
    if (!others.isEmpty() && translations != null) {
      Dataset<Row> translated =
          translated(source, translations.where(col(LANG).isin(others.toArray())));
      result = result == null ? translated : result.unionByName(translated);
    }
    return result.select(
        col(Partitions.TASK),
        col(LANG),
        col(InstructionSchema.INS_ID),
        col(InstructionSchema.INSTRUCTION),
        col(InstructionSchema.ANSWER),
        col(InstructionSchema.IMAGE_IDS),
        col(InstructionSchema.REL_INS_IDS),
        col(InstructionSchema.EXTRA_JSON),
        col(InContextSchema.CONTEXT),
        col(InContextSchema.CONTEXT_INS_IDS));
  }

  private static Dataset<Row> translated(Dataset<Row> source, Dataset<Row> translations) {
    Dataset<Row> texts =
        translations.select(
            col(Partitions.TASK),
            col(LANG),
            col(TranslationSchema.INS_ID),
            col(TranslationSchema.INSTRUCTION).as("t_instruction"),
            col(TranslationSchema.ANSWER).as("t_answer"));
    Dataset<Row> pairs =
        source
            .drop(InstructionSchema.INSTRUCTION, InstructionSchema.ANSWER)
            .join(texts, using(Partitions.TASK, InstructionSchema.INS_ID))
            .withColumnRenamed("t_instruction", InstructionSchema.INSTRUCTION)
            .withColumnRenamed("t_answer", InstructionSchema.ANSWER);
    // context examples: exploded with their position, translated where possible, gathered back
    Dataset<Row> entries =
        pairs.select(
            col(Partitions.TASK),
            col(LANG),
            col(InstructionSchema.INS_ID),
            posexplode(col(InContextSchema.CONTEXT)).as(new String[] {"pos", "c"}));
    Dataset<Row> contextTexts =
        texts.select(
            col(Partitions.TASK).as("c_task"),
            col(LANG).as("c_lang"),
            col(TranslationSchema.INS_ID).as("c_id"),
            col("t_instruction"),
            col("t_answer"));
    Column entry =
        struct(
            col("c.ins_id").as(ExampleSchema.INS_ID),
            coalesce(col("t_instruction"), col("c.instruction")).as(ExampleSchema.INSTRUCTION),
            coalesce(col("t_answer"), col("c.answer")).as(ExampleSchema.ANSWER),
            col("c.image_ids").as(ExampleSchema.IMAGE_IDS));
    Dataset<Row> contexts =
        entries
            .join(
                contextTexts,
                col(Partitions.TASK)
                    .equalTo(col("c_task"))
                    .and(col(LANG).equalTo(col("c_lang")))
                    .and(col("c.ins_id").equalTo(col("c_id"))),
                "left")
            .groupBy(col(Partitions.TASK), col(LANG), col(InstructionSchema.INS_ID))
            .agg(sort_array(collect_list(struct(col("pos"), entry.as("e")))).as("entries"))
            .select(
                col(Partitions.TASK),
                col(LANG),
                col(InstructionSchema.INS_ID),
                transform(col("entries"), e -> e.getField("e")).as("t_context"));
    return pairs
        .join(contexts, using(Partitions.TASK, LANG, InstructionSchema.INS_ID), "left")
        .withColumn(InContextSchema.CONTEXT, coalesce(col("t_context"), array().cast(CONTEXT_TYPE)))
        .drop("t_context");
  }

  static scala.collection.immutable.Seq<String> using(String... names) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(names)).toList();
  }
}
