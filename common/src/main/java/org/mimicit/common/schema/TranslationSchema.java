package org.mimicit.common.schema;

import static org.apache.spark.sql.types.DataTypes.StringType;

import org.apache.spark.sql.types.StructType;
import org.mimicit.common.warehouse.Partitions;

/**
 * The {@code translations} table: {@code translations/task=<TASK>/lang=<LANG>/}, one row per
 * instruction and language, written by {@code expand-multilingual}.
 */
public final class TranslationSchema {
  public static final String TABLE = "translations";
  public static final String INS_ID = "ins_id";
  public static final String INSTRUCTION = "instruction";
  public static final String ANSWER = "answer";

  /** The model that answered (as the server named it, else as asked). */
  public static final String MODEL = "model";

  /** Lower-case hex SHA-256 of the request whose accepted answer this row comes from. */
  public static final String REQUEST_SHA256 = "request_sha256";

  /** Partition column below {@code task}: the language code ({@code zh}, {@code ja}, ...). */
  public static final String LANG = "lang";

  /** The columns of each {@code task=/lang=} partition's files. */
  public static final StructType SCHEMA =
      new StructType()
          .add(INS_ID, StringType, false)
          .add(INSTRUCTION, StringType, false)
          .add(ANSWER, StringType, false)
          .add(MODEL, StringType, false)
          .add(REQUEST_SHA256, StringType, false);

  private TranslationSchema() {}

  /** The folder of one task and language, relative to the warehouse. */
  public static String pathOf(String task, String lang) {
    return Partitions.of(TABLE, task) + "/lang=" + lang;
  }
}
