package org.mimicit.common.export;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.io.TableParquetWriter;
import org.mimicit.common.schema.ExampleSchema;

/**
 * A Parquet shard of the images-once layout: {@link ExampleSchema#IMAGE_ROW} rows (sha256, format,
 * width, height, bytes), one file, row groups of at most {@code rowGroupBytes}, the bytes
 * uncompressed and without dictionary. Same images, same bytes.
 */
public final class ImageShardWriter {
  private final TableParquetWriter writer;
  private final Path path;
  private long rows;

  public ImageShardWriter(Configuration conf, Path path, long rowGroupBytes) {
    this.path = path;
    this.writer =
        TableParquetWriter.builder(conf, ExampleSchema.IMAGE_ROW)
            .mediaColumns(ExampleSchema.BYTES)
            .plainColumns(ExampleSchema.SHA256)
            .rowGroupBytes(rowGroupBytes)
            .maxFileBytes(Long.MAX_VALUE) // one file per shard: the plan sizes the shards
            .digest(true)
            .files(n -> n == 0 ? path : null)
            .build();
  }

  public void write(String sha256, String format, int width, int height, byte[] bytes) {
    writer.write(new Object[] {sha256, format, width, height, bytes});
    rows++;
  }

  /** The images written so far. */
  public long rows() {
    return rows;
  }

  /** Completes the file; its hashes were taken as it was written. */
  public FileDigest finish() {
    writer.close();
    return FileDigest.ofWritten(
        writer, String.format("Cannot finish image shard %s: no image was written to it", path));
  }

  /** Stops and deletes the file. */
  public void abort() {
    writer.abort();
  }
}
