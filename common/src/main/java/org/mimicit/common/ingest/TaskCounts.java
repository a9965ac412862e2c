package org.mimicit.common.ingest;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/** Counts of one task in one partition, added up on the driver. */
public final class TaskCounts implements Serializable {
  private static final long serialVersionUID = 1L;

  long rowsIn;
  long rowsOut;
  long bytesOut;
  final Map<String, Long> rejected = new TreeMap<>();

  void reject(String reason) {
    rejected.merge(reason, 1L, Long::sum);
  }

  void add(TaskCounts other) {
    rowsIn += other.rowsIn;
    rowsOut += other.rowsOut;
    bytesOut += other.bytesOut;
    other.rejected.forEach((k, v) -> rejected.merge(k, v, Long::sum));
  }

  public long rowsIn() {
    return rowsIn;
  }

  public long rowsOut() {
    return rowsOut;
  }

  /** Bytes of Parquet written for the table (not the rejected rows). */
  public long bytesOut() {
    return bytesOut;
  }

  public long rejectedTotal() {
    return rejected.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Rejected rows per reason code. */
  public Map<String, Long> rejected() {
    return rejected;
  }
}
