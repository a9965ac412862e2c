package org.mimicit.common.io;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Media columns: top-level columns holding large values such as image bytes, stored uncompressed
 * (already compressed data), without dictionary (values rarely repeat) and without statistics
 * (min/max of megabyte values do not belong in footers or column indexes). A media column is
 * binary, or a list or struct with binary inside (e.g. {@code images array<struct<image_id, format,
 * bytes>>}): then every leaf of it gets these settings.
 */
final class MediaColumns {
  private MediaColumns() {}

  /**
   * Checks that every name is a top-level binary column of {@code schema}, and that no other column
   * follows a media column: a row group's column chunks must be in schema order, and media chunks
   * are flushed last.
   *
   * @throws IllegalArgumentException naming the offending column
   */
  static void validate(StructType schema, Set<String> names) {
    List<String> columns = Arrays.asList(schema.fieldNames());
    for (String name : names) {
      checkArgument(
          columns.contains(name),
          "Cannot use %s as a media column: no such column in %s",
          name,
          columns);
      // ParquetProperties names columns by dotted path
      checkArgument(
          !name.contains("."), "Cannot use %s as a media column: its name contains a '.'", name);
    }
    String lastMedia = null;
    for (StructField field : schema.fields()) {
      if (names.contains(field.name())) {
        checkArgument(
            holdsBinary(field.dataType()),
            "Cannot use %s as a media column: its type is %s, not binary",
            field.name(),
            field.dataType().simpleString());
        lastMedia = field.name();
      } else {
        checkArgument(
            lastMedia == null,
            "Cannot use %s as a media column: media columns must be the last columns, "
                + "but %s follows it",
            lastMedia,
            field.name());
      }
    }
  }

  private static boolean holdsBinary(DataType type) {
    if (type instanceof ArrayType array) {
      return holdsBinary(array.elementType());
    } else if (type instanceof StructType struct) {
      return Arrays.stream(struct.fields()).anyMatch(f -> holdsBinary(f.dataType()));
    }
    return type instanceof BinaryType;
  }

  /**
   * Returns the writer properties: Parquet's defaults, with the media columns' settings, and
   * without dictionary or statistics for the plain columns (unique ids and free text: a dictionary
   * only costs time before Parquet gives up on it, and min/max of text helps no query).
   */
  static ParquetProperties properties(
      MessageType schema, Set<String> names, Set<String> plainColumns) {
    ParquetProperties.Builder properties =
        ParquetProperties.builder()
            // check page sizes after every row, or a page could buffer 100 images before a check
            .withMinRowCountForPageSizeCheck(1);
    for (org.apache.parquet.column.ColumnDescriptor leaf : schema.getColumns()) {
      String path = String.join(".", leaf.getPath()); // every leaf: lists have nested paths
      if (names.contains(leaf.getPath()[0])) {
        properties
            .withDictionaryEncoding(path, false)
            // also turns off the column index, which would hold 64-byte min/max prefixes
            .withStatisticsEnabled(path, false)
            .withSizeStatisticsEnabled(path, false);
      } else if (plainColumns.contains(leaf.getPath()[0])) {
        properties.withDictionaryEncoding(path, false).withStatisticsEnabled(path, false);
      }
    }
    return properties.build();
  }

  /**
   * Splits {@code schema} into its non-media columns, compressed with {@code compressor}, followed
   * by its media columns, not compressed; leaves out an empty part.
   */
  static List<SplitPageWriteStore.Part> split(
      MessageType schema,
      Set<String> names,
      BytesInputCompressor compressor,
      BytesInputCompressor uncompressed) {
    List<Type> data = new ArrayList<>();
    List<Type> media = new ArrayList<>();
    for (Type field : schema.getFields()) {
      (names.contains(field.getName()) ? media : data).add(field);
    }
    List<SplitPageWriteStore.Part> parts = new ArrayList<>(2);
    if (!data.isEmpty()) {
      parts.add(new SplitPageWriteStore.Part(new MessageType(schema.getName(), data), compressor));
    }
    if (!media.isEmpty()) {
      parts.add(
          new SplitPageWriteStore.Part(new MessageType(schema.getName(), media), uncompressed));
    }
    return parts;
  }
}
