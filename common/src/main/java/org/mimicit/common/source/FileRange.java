package org.mimicit.common.source;

import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One read partition: the records of {@code path} that start in {@code [start, end)}. For
 * instructions files the bounds are exact record starts; for images files they are raw byte offsets
 * that the reader re-synchronises on record starts.
 */
record FileRange(String task, String path, long fileLength, long start, long end)
    implements InputPartition {}
