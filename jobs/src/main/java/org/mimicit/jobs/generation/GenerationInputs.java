package org.mimicit.jobs.generation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.mimicit.common.api.Prompt;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.schema.RejectReason;

/** Reads generation's inputs: the prompt files and the annotations, with every bad row marked. */
final class GenerationInputs {
  private static final org.apache.spark.sql.types.StructType JSON_SCHEMA =
      new org.apache.spark.sql.types.StructType()
          .add("id", "string")
          .add("sentences", "string")
          .add("image_ids", "array<string>")
          .add("prompt", "string");

  private GenerationInputs() {}

  /** The prompts by name (the file name without {@code .json}). */
  static Map<String, Prompt> prompts(String path, Configuration conf) {
    Path p = new Path(path);
    Map<String, Prompt> prompts = new TreeMap<>();
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw new MimicitException("Cannot read prompts from %s: no such file or folder.", path);
      }
      FileStatus[] files =
          fs.isFile(p)
              ? new FileStatus[] {fs.getFileStatus(p)}
              : fs.listStatus(p, f -> f.getName().endsWith(".json"));
      Arrays.sort(files);
      for (FileStatus f : files) {
        prompts.put(
            f.getPath().getName().replaceFirst("\\.json$", ""),
            Prompt.read(f.getPath().toString(), conf));
      }
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read prompts from %s: %s", path, e.getMessage());
    }
    if (prompts.isEmpty()) {
      throw new MimicitException(
          "Cannot read prompts from %s: the folder has no .json prompt file.", path);
    }
    return prompts;
  }

  /**
   * The annotations: {@code id}, {@code sentences}, {@code image_ids} (empty when absent), {@code
   * prompt} (the prompt's name), and {@code reason}/{@code detail}, set on rows that cannot be used
   * (missing field, repeated id, unknown prompt).
   */
  static Dataset<Row> annotations(
      SparkSession spark, Configuration conf, String path, Map<String, Prompt> prompts) {
    Dataset<Row> raw = read(spark, conf, path);
    List<String> columns = Arrays.asList(raw.columns());
    for (String required : new String[] {"id", "sentences"}) {
      if (!columns.contains(required)) {
        throw new MimicitException(
            "Cannot read annotations from %s: no '%s' field (found %s). Each annotation "
                + "needs \"id\" and \"sentences\".",
            path, required, columns);
      }
    }
    Column imageIds = imageIds(columns);
    Column prompt = prompt(columns, path, prompts);
    Column id = col("id").cast(DataTypes.StringType);
    Column sentences = col("sentences");
    Column repeated = count(lit(1)).over(Window.partitionBy(id));
    Column known = prompt.isin(prompts.keySet().toArray());
    return raw.select(
            id.as("id"),
            sentences.cast(DataTypes.StringType).as("sentences"),
            imageIds.as("image_ids"),
            prompt.as("prompt"),
            repeated.as("repeated"))
        .withColumn("reason", reason(known))
        .withColumn("detail", detail(prompts))
        .drop("repeated");
  }

  /** {@code image_ids} as an array of strings, empty when absent or null. */
  private static Column imageIds(List<String> columns) {
    Column none =
        org.apache.spark.sql.functions.array().cast(new ArrayType(DataTypes.StringType, true));
    return columns.contains("image_ids")
        ? when(col("image_ids").isNull(), none)
            .otherwise(col("image_ids").cast(new ArrayType(DataTypes.StringType, true)))
        : none;
  }

  /** The prompt of each annotation: the only one, or the one its {@code prompt} field names. */
  private static Column prompt(List<String> columns, String path, Map<String, Prompt> prompts) {
    if (prompts.size() == 1) {
      return lit(prompts.keySet().iterator().next());
    } else if (columns.contains("prompt")) {
      return col("prompt").cast(DataTypes.StringType);
    }
    throw new MimicitException(
        "Cannot choose a prompt: %s holds %d prompts (%s) and the annotations have no "
            + "'prompt' field naming one of them. Add it, or point --prompts at one file.",
        path, prompts.size(), String.join(", ", prompts.keySet()));
  }

  /** Why an annotation cannot be used (a reason code), or null. */
  private static Column reason(Column known) {
    return when(
            col("id")
                .isNull()
                .or(col("sentences").isNull())
                .or(org.apache.spark.sql.functions.trim(col("sentences")).equalTo("")),
            lit(RejectReason.MISSING_FIELD.code()))
        .when(col("repeated").gt(1), lit(RejectReason.DUPLICATE_ID.code()))
        .when(
            col("prompt").isNull().or(known.unary_$bang()), lit(RejectReason.INVALID_FIELD.code()));
  }

  /** The detail text of each {@link #reason}. */
  private static Column detail(Map<String, Prompt> prompts) {
    return when(
            col("reason").equalTo(RejectReason.MISSING_FIELD.code()),
            lit("an annotation needs a non-empty \"id\" and \"sentences\""))
        .when(
            col("reason").equalTo(RejectReason.DUPLICATE_ID.code()),
            org.apache.spark.sql.functions.concat(
                lit("the annotation id occurs "),
                col("repeated").cast("string"),
                lit(" times; none of them is used")))
        .when(
            col("reason").equalTo(RejectReason.INVALID_FIELD.code()),
            org.apache.spark.sql.functions.concat(
                lit("unknown prompt '"),
                org.apache.spark.sql.functions.coalesce(col("prompt"), lit("null")),
                lit("' (have: " + String.join(", ", prompts.keySet()) + ")")));
  }

  private static Dataset<Row> read(SparkSession spark, Configuration conf, String path) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw new MimicitException(
            "Cannot read annotations from %s: no such file or folder.", path);
      }
      boolean parquet =
          path.endsWith(".parquet")
              || (fs.isDirectory(p)
                  && fs.listStatus(p, f -> f.getName().endsWith(".parquet")).length > 0);
      // JSON lines are read with the fields we use (no inference pass over the file); a record
      // lacking id or sentences then has nulls there and is rejected as missing_field
      return parquet ? spark.read().parquet(path) : spark.read().schema(JSON_SCHEMA).json(path);
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read annotations from %s: %s", path, e.getMessage());
    }
  }
}
