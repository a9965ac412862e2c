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

  /**
   * What a reader does with a bad record: true to return it (PERMISSIVE), false to skip it
   * (DROPMALFORMED); FAILFAST throws, naming the record ({@code what} is e.g. "image").
   */
  boolean keepBadRecord(
      String what, String id, long offset, String path, String reason, Object detail) {
    if (this == FAILFAST) {
      throw new org.mimicit.common.error.MimicitException(
          "Cannot read %s %s at byte %d of %s: %s (%s)", what, id, offset, path, reason, detail);
    }
    return this == PERMISSIVE;
  }

  static ReadMode parse(String value) {
    try {
      return valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot set mode to %s, the value must be one of PERMISSIVE, DROPMALFORMED,"
                  + " FAILFAST.",
              value),
          e);
    }
  }
}
