package org.mimicit.jobs.generation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.regexp_extract;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.mimicit.common.schema.InstructionSchema;

/**
 * Where the numbering of generated ids starts: after the largest {@code <TASK>_INS_<n>} of the
 * task's instructions that were not generated (earlier generated rows are replaced, so a re-run
 * numbers the same pairs the same), zero-padded as wide as those ids are, at least 5 digits.
 */
record GeneratedIds(String task, long first, int digits) implements java.io.Serializable {
  static final String GENERATED_BY = "generate-instructions";
  static final int MIN_DIGITS = 5;

  /** True for a row of the instructions table that this command wrote. */
  static Column generated() {
    return get_json_object(col(InstructionSchema.EXTRA_JSON), "$.generated_by")
        .eqNullSafe(lit(GENERATED_BY));
  }

  static GeneratedIds after(Dataset<Row> existing, String task) {
    Column number = regexp_extract(col(InstructionSchema.INS_ID), "^" + task + "_INS_([0-9]+)$", 1);
    Row r =
        existing
            .where(generated().unary_$bang())
            .select(number.as("n"))
            .where(col("n").notEqual(""))
            .agg(max(col("n").cast("long")), max(length(col("n"))))
            .first();
    long last = r.isNullAt(0) ? 0 : r.getLong(0);
    int digits = r.isNullAt(1) ? MIN_DIGITS : Math.max(MIN_DIGITS, r.getInt(1));
    return new GeneratedIds(task, last + 1, digits);
  }

  String id(long index) {
    return task + "_INS_" + String.format("%0" + digits + "d", first + index);
  }
}
