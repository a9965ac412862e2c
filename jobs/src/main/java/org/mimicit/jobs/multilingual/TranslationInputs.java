package org.mimicit.jobs.multilingual;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.udf;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.api.RequestKey;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.warehouse.Partitions;
import org.mimicit.common.warehouse.WarehouseCommitter;
import org.mimicit.jobs.apistage.ApiStage;

/**
 * What the translation stage reads: the tasks of the run, one unit per instruction and language
 * with its request key, the accepted answers in the cache, and the texts still to ask for.
 */
final class TranslationInputs {
  private static final StructType CACHE_SCHEMA =
      new StructType()
          .add("key", "string")
          .add("lang", "string")
          .add("instruction", "string")
          .add("answer", "string")
          .add("model", "string");

  /** Items asking for the same languages next to each other, so that they share requests. */
  static final Column[] BY_LANGUAGES_THEN_ID = {
    expr("concat_ws(',', transform(units, u -> u.lang))"), col("id")
  };

  private TranslationInputs() {}

  /** The tasks of the run: those asked for, else every task of the instructions table. */
  static List<String> tasks(Configuration conf, ExpandMultilingualConfig config) {
    Set<String> found =
        WarehouseCommitter.tasksOf(conf, new Path(config.warehouse(), InstructionSchema.TABLE));
    if (found.isEmpty()) {
      throw new MimicitException(
          "Cannot translate: there is no instructions table in %s. Run "
              + "convert-instructions first.",
          config.warehouse());
    }
    if (config.tasks().isEmpty()) {
      return new ArrayList<>(found);
    }
    for (String task : config.tasks()) {
      if (!found.contains(task)) {
        throw new MimicitException(
            "Cannot translate task %s: the instructions table in %s has no such task "
                + "(it has %s).",
            task, config.warehouse(), found);
      }
    }
    return new ArrayList<>(new TreeSet<>(config.tasks()));
  }

  /** One row per instruction and language: task, ins_id, idx, lang, instruction, answer, key. */
  static Dataset<Row> units(
      SparkSession spark, ExpandMultilingualConfig config, List<String> tasks, String promptSha) {
    String model = config.api().model();
    UserDefinedFunction key =
        udf(
            (UDF3<String, String, String, String>)
                (lang, instruction, answer) ->
                    RequestKey.translation(model, promptSha, lang, instruction, answer),
            DataTypes.StringType);
    Column[] langs = config.languages().stream().map(l -> lit(l)).toArray(Column[]::new);
    return spark
        .read()
        .parquet(config.warehouse() + "/" + InstructionSchema.TABLE)
        .where(col(Partitions.TASK).isin(tasks.toArray()))
        .select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            col(InstructionSchema.INSTRUCTION),
            col(InstructionSchema.ANSWER),
            posexplode(org.apache.spark.sql.functions.array(langs))
                .as(new String[] {"idx", "lang"}))
        .withColumn(
            "key",
            key.apply(
                col("lang"), col(InstructionSchema.INSTRUCTION), col(InstructionSchema.ANSWER)));
  }

  /** Accepted answers: key, lang, instruction, answer, model; one per key; cut lines skipped. */
  static Dataset<Row> readCache(SparkSession spark, Configuration conf, List<String> dirs) {
    return ApiStage.readCache(spark, conf, dirs, CACHE_SCHEMA, "lang", "instruction", "answer");
  }

  /**
   * The texts still to ask for: id (smallest ins_id with the text), instruction, answer, units
   * (array of struct idx, lang, key, in language order). Identical texts are one item.
   */
  static Dataset<Row> pendingItems(Dataset<Row> units, Dataset<Row> cache) {
    return units
        .join(cache.select("key"), units.col("key").equalTo(cache.col("key")), "left_anti")
        .groupBy(InstructionSchema.INSTRUCTION, InstructionSchema.ANSWER)
        .agg(
            min(InstructionSchema.INS_ID).as("id"),
            array_sort(collect_set(struct(col("idx"), col("lang"), col("key")))).as("units"))
        .select(
            col("id"),
            col(InstructionSchema.INSTRUCTION),
            col(InstructionSchema.ANSWER),
            col("units"));
  }
}
