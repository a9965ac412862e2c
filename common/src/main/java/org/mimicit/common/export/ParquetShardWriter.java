package org.mimicit.common.export;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.io.TableParquetWriter;
import org.mimicit.common.schema.ExampleSchema;

/**
 * A Parquet shard of {@link ExampleSchema} rows: one file, row groups of at most {@code
 * rowGroupBytes}, the {@code images} column (with the bytes) uncompressed and without dictionary,
 * free text without dictionary, the rest SNAPPY. Same examples, same bytes. A referencing shard
 * ({@link ExampleSchema#REFERENCING_SCHEMA}) holds the images' ids and SHA-256 instead of their
 * bytes.
 */
public final class ParquetShardWriter implements ShardWriter {
  private final TableParquetWriter writer;
  private final Path path;
  private final boolean referencing;

  public ParquetShardWriter(Configuration conf, Path path, long rowGroupBytes) {
    this(conf, path, rowGroupBytes, false);
  }

  public ParquetShardWriter(
      Configuration conf, Path path, long rowGroupBytes, boolean referencing) {
    this.referencing = referencing;
    TableParquetWriter.Builder builder =
        TableParquetWriter.builder(
            conf, referencing ? ExampleSchema.REFERENCING_SCHEMA : ExampleSchema.SCHEMA);
    if (!referencing) {
      builder.mediaColumns(ExampleSchema.IMAGES);
    }
    this.path = path;
    this.writer =
        builder
            .plainColumns(
                ExampleSchema.INS_ID,
                ExampleSchema.INSTRUCTION,
                ExampleSchema.ANSWER,
                ExampleSchema.CONTEXT)
            .rowGroupBytes(rowGroupBytes)
            .maxFileBytes(Long.MAX_VALUE) // one file per shard: the plan sizes the shards
            .digest(true)
            .files(n -> n == 0 ? path : null)
            .build();
  }

  @Override
  public void write(Example example) {
    writer.write(referencing ? example.toReferencingRow() : example.toRow());
  }

  /** Completes the file; its hashes were taken as it was written. */
  @Override
  public FileDigest finish() {
    writer.close();
    return FileDigest.ofWritten(
        writer,
        String.format("Cannot finish Parquet shard %s: no example was written to it", path));
  }

  @Override
  public void abort() {
    writer.abort();
  }
}
