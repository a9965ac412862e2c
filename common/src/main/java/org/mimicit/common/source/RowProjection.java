package org.mimicit.common.source;

import org.apache.spark.sql.types.StructType;

/** Maps the columns a query asked for to their positions in the full schema of a format. */
final class RowProjection {
  private final int[] positions;
  private final int width;

  RowProjection(StructType full, StructType required) {
    this.width = full.size();
    this.positions = new int[required.size()];
    for (int i = 0; i < required.size(); i++) {
      positions[i] = full.fieldIndex(required.fields()[i].name());
    }
  }

  /** Scratch array for a full row. */
  Object[] newFullRow() {
    return new Object[width];
  }

  boolean wants(StructType full, String column) {
    int index = full.fieldIndex(column);
    for (int p : positions) {
      if (p == index) {
        return true;
      }
    }
    return false;
  }

  Object[] project(Object[] full) {
    Object[] out = new Object[positions.length];
    for (int i = 0; i < positions.length; i++) {
      out[i] = full[positions[i]];
    }
    return out;
  }
}
