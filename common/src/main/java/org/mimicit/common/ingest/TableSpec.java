package org.mimicit.common.ingest;

import java.io.Serializable;
import org.apache.spark.sql.types.StructType;

/**
 * A warehouse table that an ingest writes: its folder name, the Parquet columns (taken by name
 * from the source rows), the id column, and the binary columns stored uncompressed.
 */
public record TableSpec(String table, StructType schema, String idColumn, String[] mediaColumns)
    implements Serializable {}
