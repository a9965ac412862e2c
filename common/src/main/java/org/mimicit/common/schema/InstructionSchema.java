package org.mimicit.common.schema;

import static org.apache.spark.sql.types.DataTypes.StringType;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructType;

/** The {@code instructions} table: {@code instructions/task=<TASK>/}. */
public final class InstructionSchema {
  public static final String TABLE = "instructions";
  public static final String INS_ID = "ins_id";
  public static final String INSTRUCTION = "instruction";
  public static final String ANSWER = "answer";
  public static final String IMAGE_IDS = "image_ids";
  public static final String REL_INS_IDS = "rel_ins_ids";

  /** Unknown fields of the record, kept as one JSON object in input order; null when none. */
  public static final String EXTRA_JSON = "extra_json";

  public static final String SOURCE = "source";

  public static final StructType SCHEMA =
      new StructType()
          .add(INS_ID, StringType, false)
          .add(INSTRUCTION, StringType, false)
          .add(ANSWER, StringType, false)
          .add(IMAGE_IDS, new ArrayType(StringType, false), false)
          .add(REL_INS_IDS, new ArrayType(StringType, false), false)
          .add(EXTRA_JSON, StringType, true)
          .add(SOURCE, StringType, false);

  private InstructionSchema() {}
}
