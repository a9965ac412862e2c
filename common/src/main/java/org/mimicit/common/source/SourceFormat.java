package org.mimicit.common.source;

import static org.apache.spark.sql.types.DataTypes.BinaryType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.io.InputLayout;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.schema.RejectedSchema;
import org.mimicit.common.warehouse.Partitions;

/** The two MIMIC-IT JSON formats this source reads, with their row schemas. */
enum SourceFormat {
  IMAGES(
      "mimicit-images",
      InputLayout.Kind.IMAGES,
      new StructType()
          .add(Partitions.TASK, StringType, false)
          .add(ImageSchema.IMAGE_ID, StringType, true)
          .add(ImageSchema.FORMAT, StringType, true)
          .add(ImageSchema.WIDTH, IntegerType, true)
          .add(ImageSchema.HEIGHT, IntegerType, true)
          .add(ImageSchema.SHA256, StringType, true)
          .add(ImageSchema.SOURCE, StringType, false)
          .add(RejectedSchema.SOURCE_OFFSET, LongType, false)
          .add(ImageSchema.BYTES, BinaryType, true)),
  INSTRUCTIONS(
      "mimicit-instructions",
      InputLayout.Kind.INSTRUCTIONS,
      new StructType()
          .add(Partitions.TASK, StringType, false)
          .add(InstructionSchema.INS_ID, StringType, true)
          .add(InstructionSchema.INSTRUCTION, StringType, true)
          .add(InstructionSchema.ANSWER, StringType, true)
          .add(InstructionSchema.IMAGE_IDS, new ArrayType(StringType, false), true)
          .add(InstructionSchema.REL_INS_IDS, new ArrayType(StringType, false), true)
          .add(InstructionSchema.EXTRA_JSON, StringType, true)
          .add(InstructionSchema.SOURCE, StringType, false)
          .add(RejectedSchema.SOURCE_OFFSET, LongType, false)),
  TRAIN(
      "mimicit-train",
      InputLayout.Kind.TRAIN,
      new StructType()
          .add(Partitions.TASK, StringType, false)
          .add(InstructionSchema.INS_ID, StringType, true)
          .add(InstructionSchema.REL_INS_IDS, new ArrayType(StringType, false), true)
          .add(InstructionSchema.SOURCE, StringType, false)
          .add(RejectedSchema.SOURCE_OFFSET, LongType, false));

  final String shortName;
  final InputLayout.Kind kind;
  private final StructType dataSchema;

  SourceFormat(String shortName, InputLayout.Kind kind, StructType dataSchema) {
    this.shortName = shortName;
    this.kind = kind;
    this.dataSchema = dataSchema;
  }

  StructType schema(ReadMode mode) {
    if (mode != ReadMode.PERMISSIVE) {
      return dataSchema;
    }
    return dataSchema
        .add(RejectedSchema.REASON, StringType, true)
        .add(RejectedSchema.DETAIL, StringType, true);
  }
}
