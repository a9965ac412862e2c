package org.mimicit.common.source;

/** Column names the MIMIC-IT sources add to the table columns. */
public final class SourceColumns {
  /** The task (the input folder name). */
  public static final String TASK = "task";

  private SourceColumns() {}
}
