package org.mimicit.common.schema;

import static org.apache.spark.sql.types.DataTypes.BinaryType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructType;

/**
 * One self-contained training example of an export shard ({@code parquet/<TASK>/train-*.parquet}
 * rows, and the samples of {@code webdataset/} tars): the pair in one language, its in-context
 * examples in order, and its images with their bytes, so a trainer needs no join. The image bytes
 * are the last column (stored uncompressed, without dictionary).
 */
public final class ExampleSchema {
  public static final String INS_ID = "ins_id";
  public static final String TASK = "task";

  /** {@code en} for the source text, else the translation's language code. */
  public static final String LANG = "lang";

  public static final String INSTRUCTION = "instruction";
  public static final String ANSWER = "answer";

  /** The in-context examples: ins_id, instruction, answer, image_ids, in the relation's order. */
  public static final String CONTEXT = "context";

  /** The example's images in {@code image_ids} order: image_id, format, bytes. */
  public static final String IMAGES = "images";

  public static final String IMAGE_ID = "image_id";
  public static final String FORMAT = "format";
  public static final String BYTES = "bytes";
  public static final String IMAGE_IDS = "image_ids";

  /** The source language: the instructions table's text. */
  public static final String SOURCE_LANG = "en";

  public static final StructType CONTEXT_ENTRY =
      new StructType()
          .add(INS_ID, StringType, false)
          .add(INSTRUCTION, StringType, false)
          .add(ANSWER, StringType, false)
          .add(IMAGE_IDS, new ArrayType(StringType, false), false);

  public static final StructType IMAGE =
      new StructType()
          .add(IMAGE_ID, StringType, false)
          .add(FORMAT, StringType, false)
          .add(BYTES, BinaryType, false);

  public static final StructType SCHEMA =
      new StructType()
          .add(INS_ID, StringType, false)
          .add(TASK, StringType, false)
          .add(LANG, StringType, false)
          .add(INSTRUCTION, StringType, false)
          .add(ANSWER, StringType, false)
          .add(CONTEXT, new ArrayType(CONTEXT_ENTRY, false), false)
          .add(IMAGES, new ArrayType(IMAGE, false), false);

  private ExampleSchema() {}
}
