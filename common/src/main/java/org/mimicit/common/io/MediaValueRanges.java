package org.mimicit.common.io;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Where each value of a media column lies in a Parquet file, as byte ranges. A required top-level
 * binary column stored as {@link TableParquetWriter} writes media columns (uncompressed, PLAIN, no
 * dictionary, v1 data pages) holds each value as a 4-byte little-endian length followed by the
 * bytes, so the value is a plain range of the file: readers can copy it without decoding the page.
 * Finding the ranges reads the footer, each page header and 4 bytes per value, not the values.
 */
public final class MediaValueRanges {
  /** One file's values in row order: value i is {@code lengths[i]} bytes at {@code offsets[i]}. */
  public record Ranges(long[] offsets, int[] lengths) {}

  private MediaValueRanges() {}

  /**
   * The ranges of {@code column}'s values in {@code file}, or null when the column is not stored
   * that way (compressed, dictionary, optional, v2 pages, another encoding): then read it through a
   * Parquet reader.
   */
  public static Ranges locate(Configuration conf, Path file, String column) throws IOException {
    FileSystem fs = DataFiles.fileSystem(file, conf);
    ParquetMetadata footer;
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(file, fs.getConf()))) {
      footer = reader.getFooter();
    }
    if (!isRequiredBinary(footer.getFileMetaData().getSchema(), column)) {
      return null;
    }
    long rows = footer.getBlocks().stream().mapToLong(BlockMetaData::getRowCount).sum();
    long[] offsets = new long[Math.toIntExact(rows)];
    int[] lengths = new int[offsets.length];
    int n = 0;
    byte[] prefix = new byte[4];
    try (FSDataInputStream in = fs.open(file)) {
      for (BlockMetaData block : footer.getBlocks()) {
        ColumnChunkMetaData chunk =
            block.getColumns().stream()
                .filter(c -> c.getPath().toDotString().equals(column))
                .findFirst()
                .orElseThrow();
        if (chunk.getCodec() != CompressionCodecName.UNCOMPRESSED || chunk.hasDictionaryPage()) {
          return null;
        }
        n = locateChunk(in, chunk, new Ranges(offsets, lengths), n, prefix, file, column);
        if (n < 0) {
          return null;
        }
      }
    }
    if (n != offsets.length) {
      throw new IOException(
          String.format(
              "Cannot locate the values of %s in %s: found %d of %d",
              column, file, n, offsets.length));
    }
    return new Ranges(offsets, lengths);
  }

  private static boolean isRequiredBinary(MessageType schema, String column) {
    if (!schema.containsField(column)) {
      return false;
    }
    Type type = schema.getType(column);
    return type.isPrimitive()
        && type.isRepetition(Type.Repetition.REQUIRED)
        && type.asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.BINARY;
  }

  /**
   * Fills the ranges of one column chunk's values from value {@code n} on; returns the next value's
   * index, or -1 when a page is not a PLAIN v1 data page.
   */
  private static int locateChunk(
      FSDataInputStream in,
      ColumnChunkMetaData chunk,
      Ranges into,
      int n,
      byte[] prefix,
      Path file,
      String column)
      throws IOException {
    long pos = chunk.getStartingPos();
    long end = pos + chunk.getTotalSize();
    while (pos < end) {
      in.seek(pos);
      PageHeader header = Util.readPageHeader(in);
      long data = in.getPos();
      pos = data + header.getCompressed_page_size();
      if (header.getType() == PageType.INDEX_PAGE) {
        continue;
      }
      DataPageHeader page = header.getData_page_header();
      if (header.getType() != PageType.DATA_PAGE || page.getEncoding() != Encoding.PLAIN) {
        return -1;
      }
      long p = data;
      for (int i = 0; i < page.getNum_values(); i++, n++) {
        in.readFully(p, prefix, 0, 4);
        int length =
            (prefix[0] & 0xff)
                | (prefix[1] & 0xff) << 8
                | (prefix[2] & 0xff) << 16
                | (prefix[3] & 0xff) << 24;
        into.offsets()[n] = p + 4;
        into.lengths()[n] = length;
        p += 4L + length;
      }
      if (p != pos) {
        throw new IOException(
            String.format(
                "Cannot locate the values of %s in %s: the page "
                    + "at %d holds %d bytes of values, its header says %d",
                column, file, data, p - data, pos - data));
      }
    }
    return n;
  }
}
