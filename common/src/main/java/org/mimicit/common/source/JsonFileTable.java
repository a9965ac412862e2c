package org.mimicit.common.source;

import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** A readable table over MIMIC-IT JSON files. */
final class JsonFileTable implements SupportsRead {
  private final SourceFormat format;
  private final StructType schema;
  private final CaseInsensitiveStringMap options;

  JsonFileTable(SourceFormat format, StructType schema, CaseInsensitiveStringMap options) {
    this.format = format;
    this.schema = schema;
    this.options = options;
  }

  @Override
  public String name() {
    return format.shortName + " " + SourceOptions.paths(options);
  }

  @Override
  public StructType schema() {
    return schema;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return Set.of(TableCapability.BATCH_READ);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap scanOptions) {
    return new JsonScan(format, schema, options);
  }
}
