package org.mimicit.common.source;

import java.util.Map;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** The shared provider of {@code mimicit-images} and {@code mimicit-instructions}. */
abstract class MimicitJsonSource implements TableProvider, DataSourceRegister {
  private final SourceFormat format;

  MimicitJsonSource(SourceFormat format) {
    this.format = format;
  }

  @Override
  public String shortName() {
    return format.shortName;
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return format.schema(SourceOptions.mode(options));
  }

  @Override
  public Table getTable(
      StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return new JsonFileTable(format, schema, new CaseInsensitiveStringMap(properties));
  }
}
