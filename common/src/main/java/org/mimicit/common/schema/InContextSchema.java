package org.mimicit.common.schema;

/** The {@code incontext} table: {@code incontext/task=<TASK>/}. */
public final class InContextSchema {
  public static final String TABLE = "incontext";
  public static final String INS_ID = "ins_id";

  /** Related instructions that exist, in the given order, without the instruction itself. */
  public static final String CONTEXT_INS_IDS = "context_ins_ids";

  /** Related ids that name no instruction. */
  public static final String MISSING_INS_IDS = "missing_ins_ids";

  /** Image ids of the instruction and of its context that are not in the images table. */
  public static final String MISSING_IMAGE_IDS = "missing_image_ids";

  /**
   * Not a column of this table: the export's column of the context examples themselves (ins_id,
   * instruction, answer, image_ids, in order), attached there from {@link #CONTEXT_INS_IDS}.
   */
  public static final String CONTEXT = "context";

  private InContextSchema() {}
}
