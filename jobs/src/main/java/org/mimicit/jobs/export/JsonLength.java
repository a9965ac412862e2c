package org.mimicit.jobs.export;

import static org.apache.spark.sql.functions.udf;

import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * The length of a string as a JSON value written by {@link org.mimicit.common.export.ExportJson}
 * (every non-ASCII UTF-16 unit as a 6-byte {@code \\uXXXX}), quotes included: at most what the tar
 * shards' JSON spends on it (control characters are counted as 6 bytes, Jackson writes some in 2).
 * The UTF-8 length, which the plan used before, is half that for CJK text and a third for Arabic.
 */
final class JsonLength {
  /** {@link #of} as a Spark function of a string column. */
  static final UserDefinedFunction UDF =
      udf((UDF1<String, Long>) JsonLength::of, DataTypes.LongType);

  private JsonLength() {}

  static Long of(String s) {
    if (s == null) {
      return 4L; // null
    }
    long n = 2;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7F) {
        n += 6;
      } else if (c == '"' || c == '\\') {
        n += 2;
      } else {
        n++;
      }
    }
    return n;
  }
}
