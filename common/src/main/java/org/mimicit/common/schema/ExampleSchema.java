package org.mimicit.common.schema;

import static org.apache.spark.sql.types.DataTypes.BinaryType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
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
  public static final String SHA256 = "sha256";
  public static final String WIDTH = "width";
  public static final String HEIGHT = "height";

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

  public static final StructType SCHEMA = example(new ArrayType(IMAGE, false));

  /** An image of a referencing example: its id and the SHA-256 of its bytes. */
  public static final StructType IMAGE_REF =
      new StructType().add(IMAGE_ID, StringType, false).add(SHA256, StringType, false);

  /**
   * An example of the images-once layout: as {@link #SCHEMA}, its images by reference ({@link
   * #IMAGE_REF}); the bytes are in the export's image shards ({@link #IMAGE_ROW}), once each.
   */
  public static final StructType REFERENCING_SCHEMA = example(new ArrayType(IMAGE_REF, false));

  /** A row of the image shards of the images-once layout: one per distinct content. */
  public static final StructType IMAGE_ROW =
      new StructType()
          .add(SHA256, StringType, false)
          .add(FORMAT, StringType, false)
          .add(WIDTH, IntegerType, false)
          .add(HEIGHT, IntegerType, false)
          .add(BYTES, BinaryType, false);

  private ExampleSchema() {}

  /** An example's columns, with {@code images} of the given type last. */
  private static StructType example(ArrayType images) {
    return new StructType()
        .add(INS_ID, StringType, false)
        .add(TASK, StringType, false)
        .add(LANG, StringType, false)
        .add(INSTRUCTION, StringType, false)
        .add(ANSWER, StringType, false)
        .add(CONTEXT, new ArrayType(CONTEXT_ENTRY, false), false)
        .add(IMAGES, images, false);
  }
}
