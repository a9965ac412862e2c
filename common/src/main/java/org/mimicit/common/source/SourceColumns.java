package org.mimicit.common.source;

import org.apache.spark.sql.types.StructType;

/** Column names the MIMIC-IT sources add to the table columns. */
public final class SourceColumns {

  private SourceColumns() {}

  /**
   * The rows a {@code PERMISSIVE} read of {@code mimicit-images} gives, in order: {@code task}, the
   * images table's columns with {@code source_offset} before {@code bytes}, then {@code reason} and
   * {@code detail}. Other producers of image rows (convert-sources) use it too.
   */
  public static StructType permissiveImagesSchema() {
    return SourceFormat.IMAGES.schema(ReadMode.PERMISSIVE);
  }
}
