package org.mimicit.common.schema;

import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import org.apache.spark.sql.types.StructType;

/** The {@code rejected} table: {@code rejected/<table>/task=<TASK>/}. */
public final class RejectedSchema {
  public static final String TABLE = "rejected";
  public static final String ID = "id";
  public static final String REASON = "reason";
  public static final String DETAIL = "detail";
  public static final String SOURCE = "source";

  /** Byte offset of the record in {@code source}, where known. */
  public static final String SOURCE_OFFSET = "source_offset";

  public static final StructType SCHEMA =
      new StructType()
          .add(ID, StringType, true)
          .add(REASON, StringType, false)
          .add(DETAIL, StringType, true)
          .add(SOURCE, StringType, false)
          .add(SOURCE_OFFSET, LongType, true);

  private RejectedSchema() {}

  /** The folder of the rejected rows of {@code table}, relative to the warehouse. */
  public static String pathOf(String table) {
    return TABLE + "/" + table;
  }
}
