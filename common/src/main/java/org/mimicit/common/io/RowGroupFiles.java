package org.mimicit.common.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.crypto.FileEncryptionProperties;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.io.TableParquetWriter.WrittenFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of a {@link TableParquetWriter}: buffers one row group, writes it once it reaches
 * {@code rowGroupBytes}, and finishes a file that reached {@code maxFileBytes} after a row group,
 * so the next row starts the next file. The writer keeps validation and the failure states.
 */
final class RowGroupFiles {
  private static final Logger LOG = LoggerFactory.getLogger(TableParquetWriter.class);

  private final Configuration conf;
  private final MessageType schema;
  private final Map<String, String> footerMetadata;
  private final ParquetProperties props;
  private final CodecFactory codecs;
  private final List<SplitPageWriteStore.Part> parts;
  private final MessageColumnIO columnIO;

  /** Direct column writes for flat schemas; null for schemas with structs or nested arrays. */
  private final FlatRowWriter flatWriter;

  private final long rowGroupBytes;
  private final long maxFileBytes;
  private final IntFunction<Path> files;
  private final boolean digest;
  private final List<WrittenFile> written = new ArrayList<>();

  // the file being written: set by startFile, cleared by endFile
  private Path path;
  private ParquetFileWriter fileWriter;
  private SortedFooterFile outputFile;
  private long fileRows;
  // the row group being buffered: set by startRowGroup, cleared by flushRowGroup
  private SplitPageWriteStore pageStore;
  private ColumnWriteStore columnStore;
  private RecordConsumer consumer;
  private long groupRows;

  RowGroupFiles(
      Configuration conf,
      StructType sparkSchema,
      Set<String> mediaColumns,
      Set<String> plainColumns,
      CompressionCodecName compression,
      boolean directColumnWrites,
      long rowGroupBytes,
      long maxFileBytes,
      IntFunction<Path> files,
      boolean digest) {
    this.conf = conf;
    this.schema = SparkParquetSchemas.toParquet(sparkSchema);
    this.footerMetadata = Map.of(SparkParquetSchemas.SPARK_ROW_METADATA_KEY, sparkSchema.json());
    this.props = MediaColumns.properties(schema, mediaColumns, plainColumns);
    this.codecs = new CodecFactory(conf, props.getPageSizeThreshold());
    this.parts =
        MediaColumns.split(
            schema,
            mediaColumns,
            codecs.getCompressor(compression),
            codecs.getCompressor(CompressionCodecName.UNCOMPRESSED));
    this.columnIO = new ColumnIOFactory(false).getColumnIO(schema);
    this.flatWriter = directColumnWrites ? FlatRowWriter.of(sparkSchema, schema) : null;
    this.rowGroupBytes = rowGroupBytes;
    this.maxFileBytes = maxFileBytes;
    this.files = files;
    this.digest = digest;
  }

  /** Buffers a validated row; writes the row group, and finishes the file, when they are full. */
  void write(RowWriter rowWriter, Object[] row) throws IOException {
    if (consumer == null) {
      startRowGroup();
    }
    if (flatWriter != null) {
      flatWriter.write(columnStore, row);
    } else {
      rowWriter.write(consumer, row);
    }
    groupRows += 1;
    if (columnStore.getBufferedSize() >= rowGroupBytes) {
      flushRowGroup();
      if (fileWriter.getPos() >= maxFileBytes) {
        endFile();
      }
    }
  }

  /** Writes the buffered rows and finishes the current file. */
  void finish() throws IOException {
    if (consumer != null) {
      flushRowGroup();
    }
    if (fileWriter != null) {
      endFile();
    }
  }

  void releaseCodecs() {
    codecs.release();
  }

  /** The file being written, or null between files. */
  Path path() {
    return path;
  }

  /** The finished files in order. */
  List<WrittenFile> written() {
    return List.copyOf(written);
  }

  /** Forgets every file created, finished or not; returns their paths for deletion. */
  List<Path> dropAll() {
    List<Path> paths = new ArrayList<>();
    written.forEach(file -> paths.add(file.path()));
    if (path != null) {
      paths.add(path);
    }
    written.clear();
    return paths;
  }

  private void startRowGroup() throws IOException {
    if (fileWriter == null) {
      startFile();
    }
    pageStore = new SplitPageWriteStore(parts, props);
    columnStore = props.newColumnWriteStore(schema, pageStore);
    consumer = columnIO.getRecordWriter(columnStore);
    if (flatWriter != null) {
      flatWriter.start(columnStore);
    }
  }

  private void startFile() throws IOException {
    int sequence = written.size();
    Path next = files.apply(sequence);
    TableParquetWriter.checkState(
        next != null, "Cannot start file %s: files(...) returned null", sequence);
    try {
      outputFile = new SortedFooterFile(DataFiles.outputFile(next, conf), digest);
      fileWriter =
          new ParquetFileWriter(
              outputFile,
              schema,
              ParquetFileWriter.Mode.CREATE,
              rowGroupBytes,
              0, // no padding to HDFS block boundaries
              (FileEncryptionProperties) null,
              props);
    } catch (IOException e) {
      // not ours to delete on abort: it may exist already
      throw new MimicitException(e, "Cannot create Parquet file %s", next);
    }
    path = next;
    fileWriter.start();
    fileRows = 0;
  }

  private void flushRowGroup() throws IOException {
    consumer.flush(); // writes the nulls it caches for nested columns
    columnStore.flush();
    fileWriter.startBlock(groupRows);
    pageStore.flushToFileWriter(fileWriter);
    fileWriter.endBlock();
    fileRows += groupRows;
    columnStore.close();
    pageStore.close();
    consumer = null;
    columnStore = null;
    pageStore = null;
    groupRows = 0;
  }

  private void endFile() throws IOException {
    outputFile.markTail();
    fileWriter.end(footerMetadata);
    String[] hex = outputFile.digest();
    WrittenFile file =
        hex == null
            ? new WrittenFile(path, fileRows, outputFile.length())
            : new WrittenFile(path, fileRows, outputFile.length(), hex[0], hex[1]);
    written.add(file);
    LOG.debug("Wrote {} rows, {} bytes to {}", file.rows(), file.bytes(), file.path());
    fileWriter = null;
    path = null;
  }

  /** Drops the buffered row group and closes the open file's stream, leaving the file in place. */
  void release(Exception cause) {
    if (pageStore != null) {
      pageStore.close();
    }
    consumer = null;
    columnStore = null;
    pageStore = null;
    if (fileWriter != null) {
      try {
        fileWriter.close();
      } catch (IOException | RuntimeException e) {
        if (cause != null) {
          cause.addSuppressed(e);
        }
      }
      fileWriter = null;
    }
    codecs.release();
  }
}
