package org.mimicit.common.ingest;

import java.io.Serializable;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.schema.ImageSchema;

/**
 * A warehouse table that an ingest writes: its folder name, the Parquet columns (taken by name from
 * the source rows), the id column, the binary columns stored uncompressed (media) and the columns
 * of unique values or free text stored without dictionary and statistics (plain).
 */
public record TableSpec(
    String table, StructType schema, String idColumn, String[] mediaColumns, String[] plainColumns)
    implements Serializable {
  /** The {@code images} table: bytes stored uncompressed, ids and hashes plain. */
  public static final TableSpec IMAGES =
      new TableSpec(
          ImageSchema.TABLE,
          ImageSchema.SCHEMA,
          ImageSchema.IMAGE_ID,
          new String[] {ImageSchema.BYTES},
          new String[] {ImageSchema.IMAGE_ID, ImageSchema.SHA256});
}
