package org.mimicit.common.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.PageWriteStore;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.schema.MessageType;

/**
 * The pages of one row group, each column compressed with the codec of the part it belongs to.
 *
 * <p>Parquet-java 1.17 compresses every column of a file with one codec. This store holds one
 * {@link ColumnChunkPageWriteStore} per part and routes each column to its part's store. Parts are
 * flushed in the order given; since a row group's column chunks must follow the schema order, the
 * parts must be consecutive runs of the file schema's columns. Use a new store per row group: a
 * {@code ColumnChunkPageWriteStore} does not reset after a flush.
 */
final class SplitPageWriteStore implements PageWriteStore {
  /** A run of top-level columns of the file schema, and the compressor for its pages. */
  record Part(MessageType schema, BytesInputCompressor compressor) {}

  private final List<ColumnChunkPageWriteStore> stores = new ArrayList<>();
  private final Map<ColumnDescriptor, ColumnChunkPageWriteStore> storeByColumn = new HashMap<>();

  SplitPageWriteStore(List<Part> parts, ParquetProperties props) {
    for (Part part : parts) {
      ColumnChunkPageWriteStore store =
          new ColumnChunkPageWriteStore(
              part.compressor(),
              part.schema(),
              props.getAllocator(),
              props.getColumnIndexTruncateLength(),
              props.getPageWriteChecksumEnabled());
      stores.add(store);
      // ColumnDescriptor equality is by path, so a part's descriptors match the file schema's
      for (ColumnDescriptor column : part.schema().getColumns()) {
        storeByColumn.put(column, store);
      }
    }
  }

  @Override
  public PageWriter getPageWriter(ColumnDescriptor column) {
    ColumnChunkPageWriteStore store = storeByColumn.get(column);
    if (store == null) {
      throw new IllegalArgumentException("Cannot write column " + column + ": not in any part");
    }
    return store.getPageWriter(column);
  }

  /** Writes the column chunks of all parts, in part order, into the open block of a file. */
  void flushToFileWriter(ParquetFileWriter writer) throws IOException {
    for (ColumnChunkPageWriteStore store : stores) {
      store.flushToFileWriter(writer);
    }
  }

  /** Releases the buffered pages. */
  @Override
  public void close() {
    for (ColumnChunkPageWriteStore store : stores) {
      store.close();
    }
  }
}
