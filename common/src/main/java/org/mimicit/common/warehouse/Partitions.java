package org.mimicit.common.warehouse;

/**
 * The partition layout every table of the warehouse shares: Hive-style {@code task=<TASK>} folders
 * under the table's path, the partition column named {@code task}.
 */
public final class Partitions {
  /** The partition column of every table (the task: the input folder name). */
  public static final String TASK = "task";

  private Partitions() {}

  /**
   * {@code <tablePath>/task=<task>}: one task's partition of a table, relative to the warehouse.
   */
  public static String of(String tablePath, String task) {
    return tablePath + "/" + TASK + "=" + task;
  }
}
