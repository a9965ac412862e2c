package org.mimicit.common.source;

import java.util.Locale;

/** What a reader does with a bad record, as Spark's own file sources name it ({@code mode}). */
public enum ReadMode {
  /** Bad records are rows with {@code reason} and {@code detail} set and data columns null. */
  PERMISSIVE,
  /** Bad records are skipped; the schema has no {@code reason}/{@code detail} columns. */
  DROPMALFORMED,
  /** The first bad record fails the read. */
  FAILFAST;

  static ReadMode parse(String value) {
    try {
      return valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(String.format(
          "Cannot set mode to %s, the value must be one of PERMISSIVE, DROPMALFORMED, FAILFAST.",
          value), e);
    }
  }
}
