package org.mimicit.common.warehouse;

import java.io.Serializable;

/** A Parquet file one task attempt wrote into the staging folder: where it goes on commit. */
public record WrittenPart(
    String tablePath, String task, String path, String name, long rows, long bytes)
    implements Serializable {}
