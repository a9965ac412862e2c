package org.mimicit.common.schema;

import static org.apache.spark.sql.types.DataTypes.BinaryType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import org.apache.spark.sql.types.StructType;

/** The {@code images} table: {@code images/task=<TASK>/}. The {@code bytes} column is last. */
public final class ImageSchema {
  public static final String TABLE = "images";
  public static final String IMAGE_ID = "image_id";
  public static final String FORMAT = "format";
  public static final String WIDTH = "width";
  public static final String HEIGHT = "height";
  public static final String SHA256 = "sha256";
  public static final String SOURCE = "source";
  public static final String BYTES = "bytes";

  /** Columns as written to Parquet (the partition column {@code task} is in the path). */
  public static final StructType SCHEMA =
      new StructType()
          .add(IMAGE_ID, StringType, false)
          .add(FORMAT, StringType, false)
          .add(WIDTH, IntegerType, false)
          .add(HEIGHT, IntegerType, false)
          .add(SHA256, StringType, false)
          .add(SOURCE, StringType, false)
          .add(BYTES, BinaryType, false);

  private ImageSchema() {}
}
