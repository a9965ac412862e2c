package org.mimicit.common.io;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows of one schema to Parquet files of bounded size that Spark reads back with the exact
 * schema, keeping large binaries (image bytes) uncompressed.
 *
 * <ul>
 *   <li>Layout: the Parquet schema Spark writes for the given {@link StructType}, whose JSON is in
 *       the footer under {@code org.apache.spark.sql.parquet.row.metadata}. Rows are {@code
 *       Object[]} in schema order: {@code String} (or Spark's {@code UTF8String}), {@code Integer},
 *       {@code Long}, {@code Boolean}, {@code Double}, {@code byte[]} (or a heap {@code ByteBuffer}
 *       slice), a {@code List} for an array, an {@code Object[]} for a struct; {@code null} where
 *       nullable. Byte arrays and UTF8Strings may be reused once {@code write} returns.
 *   <li>Media columns (top-level binary columns, or lists/structs holding binary, last in the
 *       schema; all their leaves) are written uncompressed, without dictionary and without
 *       statistics; the other columns use the chosen codec (default SNAPPY).
 *   <li>Memory: only the current row group is buffered. It is written once its buffered size
 *       reaches {@code rowGroupBytes} (default 128 MiB), so its data pages exceed that by at most
 *       one row; page headers and dictionary pages of non-media columns come on top.
 *   <li>Files: after a row group, a file that reached {@code maxFileBytes} (default 512 MiB) is
 *       finished; the next row starts file {@code files.apply(n)} for n = 0, 1, 2, ... Files are
 *       created, never overwritten, and only when a row is written: no rows, no files.
 *   <li>Same rows and settings give byte-identical files, in any JVM (the footer's encoding lists
 *       are sorted: {@link SortedFooterFile}).
 *   <li>Errors: a row that does not fit the schema throws {@link IllegalArgumentException} before
 *       anything is written, and the writer stays usable. Any other failure (I/O errors come as
 *       {@link MimicitException}) leaves the writer failed: {@link #close()} then throws {@link
 *       IllegalStateException}, {@link #abort()} deletes the files.
 * </ul>
 *
 * <p>Not thread-safe.
 */
public final class TableParquetWriter implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(TableParquetWriter.class);
  private static final long DEFAULT_ROW_GROUP_BYTES = 128L << 20;
  private static final long DEFAULT_MAX_FILE_BYTES = 512L << 20;

  /** A finished Parquet file: its path, row count and length in bytes. */
  public record WrittenFile(Path path, long rows, long bytes) {}

  private enum State {
    OPEN,
    FAILED,
    CLOSED,
    ABORTED;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Configuration conf;
  private final MessageType schema;
  private final Map<String, String> footerMetadata;
  private final ParquetProperties props;
  private final CodecFactory codecs;
  private final List<SplitPageWriteStore.Part> parts;
  private final MessageColumnIO columnIO;
  private final RowWriter rowWriter;

  /** Direct column writes for flat schemas; null for schemas with structs or nested arrays. */
  private final FlatRowWriter flatWriter;

  private final long rowGroupBytes;
  private final long maxFileBytes;
  private final IntFunction<Path> files;
  private final List<WrittenFile> written = new ArrayList<>();
  private State state = State.OPEN;

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

  private TableParquetWriter(Builder builder) {
    this.conf = builder.conf;
    this.schema = SparkParquetSchemas.toParquet(builder.schema);
    this.footerMetadata = Map.of(SparkParquetSchemas.SPARK_ROW_METADATA_KEY, builder.schema.json());
    this.props = MediaColumns.properties(schema, builder.mediaColumns, builder.plainColumns);
    this.codecs = new CodecFactory(conf, props.getPageSizeThreshold());
    this.parts =
        MediaColumns.split(
            schema,
            builder.mediaColumns,
            codecs.getCompressor(builder.compression),
            codecs.getCompressor(CompressionCodecName.UNCOMPRESSED));
    this.columnIO = new ColumnIOFactory(false).getColumnIO(schema);
    this.rowWriter = new RowWriter(builder.schema);
    this.flatWriter = builder.directColumnWrites ? FlatRowWriter.of(builder.schema, schema) : null;
    this.rowGroupBytes = builder.rowGroupBytes;
    this.maxFileBytes = builder.maxFileBytes;
    this.files = builder.files;
  }

  /** Returns a builder for a writer of {@code schema} rows, using {@code conf} for file systems. */
  public static Builder builder(Configuration conf, StructType schema) {
    return new Builder(conf, schema);
  }

  /**
   * Writes one row: values in schema order, see the class comment for their Java types.
   *
   * @throws IllegalArgumentException if the row does not fit the schema (nothing is written)
   * @throws MimicitException if writing fails (the writer is then failed)
   * @throws IllegalStateException if the writer is closed, aborted or failed
   */
  public void write(Object[] row) {
    checkState(state == State.OPEN, "Cannot write: the writer is %s", state);
    rowWriter.validate(row);
    try {
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
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    }
  }

  /**
   * Writes the buffered rows and finishes the current file. Does nothing if already closed or
   * aborted.
   *
   * @throws MimicitException if writing fails (the writer is then failed)
   * @throws IllegalStateException if an earlier write failed
   */
  @Override
  public void close() {
    if (state == State.CLOSED || state == State.ABORTED) {
      return;
    }
    checkState(
        state == State.OPEN,
        "Cannot close a writer after a failed write: call abort() to delete its files");
    try {
      if (consumer != null) {
        flushRowGroup();
      }
      if (fileWriter != null) {
        endFile();
      }
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    }
    state = State.CLOSED;
    codecs.release();
  }

  /**
   * Stops writing and deletes every file this writer created, finished or not, as a failed task
   * should. Does nothing if already aborted.
   *
   * @throws MimicitException if a file cannot be deleted (after trying all of them)
   */
  public void abort() {
    if (state == State.ABORTED) {
      return;
    }
    release(null);
    state = State.ABORTED;
    List<Path> paths = new ArrayList<>();
    written.forEach(file -> paths.add(file.path()));
    if (path != null) {
      paths.add(path);
    }
    written.clear();
    MimicitException failure = null;
    for (Path file : paths) {
      try {
        DataFiles.fileSystem(file, conf).delete(file, false);
      } catch (IOException e) {
        MimicitException error = new MimicitException(e, "Cannot delete aborted file %s", file);
        if (failure == null) {
          failure = error;
        } else {
          failure.addSuppressed(error);
        }
      }
    }
    LOG.info("Aborted, deleted {}", paths);
    if (failure != null) {
      throw failure;
    }
  }

  /** The finished files in order: all of them after {@link #close()}, none after abort. */
  public List<WrittenFile> writtenFiles() {
    return List.copyOf(written);
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
    checkState(next != null, "Cannot start file %s: files(...) returned null", sequence);
    try {
      outputFile = new SortedFooterFile(DataFiles.outputFile(next, conf));
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
    WrittenFile file = new WrittenFile(path, fileRows, outputFile.length());
    written.add(file);
    LOG.debug("Wrote {} rows, {} bytes to {}", file.rows(), file.bytes(), file.path());
    fileWriter = null;
    path = null;
  }

  private RuntimeException fail(Exception cause) {
    state = State.FAILED;
    release(cause);
    return cause instanceof IOException
        ? new MimicitException(cause, "Cannot write Parquet file %s", path)
        : (RuntimeException) cause;
  }

  /** Drops the buffered row group and closes the open file's stream, leaving the file in place. */
  private void release(Exception cause) {
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

  private static void checkState(boolean condition, String message, Object... args) {
    if (!condition) {
      throw new IllegalStateException(String.format(message, args));
    }
  }

  /** Settings for a {@link TableParquetWriter}; every setter validates its argument. */
  public static final class Builder {
    private final Configuration conf;
    private final StructType schema;
    private final Set<String> mediaColumns = new LinkedHashSet<>();
    private final Set<String> plainColumns = new LinkedHashSet<>();
    private CompressionCodecName compression = CompressionCodecName.SNAPPY;
    private long rowGroupBytes = DEFAULT_ROW_GROUP_BYTES;
    private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;
    private IntFunction<Path> files;
    private boolean directColumnWrites = true;

    private Builder(Configuration conf, StructType schema) {
      checkArgument(conf != null, "Cannot build a writer without a Hadoop configuration");
      checkArgument(schema != null, "Cannot build a writer without a schema");
      this.conf = conf;
      this.schema = schema;
    }

    /**
     * Adds media columns: top-level binary columns, or lists/structs with binary inside, whose
     * leaves are stored uncompressed, without dictionary or statistics. They must be the last
     * columns of the schema.
     */
    public Builder mediaColumns(String... names) {
      checkArgument(names != null, "Cannot set mediaColumns to null");
      for (String name : names) {
        checkArgument(
            name != null, "Cannot set mediaColumns to %s: null name", Arrays.toString(names));
        mediaColumns.add(name);
      }
      return this;
    }

    /**
     * Adds plain columns: top-level columns of unique values or free text (ids, sentences),
     * compressed but without dictionary encoding and without statistics.
     */
    public Builder plainColumns(String... names) {
      checkArgument(names != null, "Cannot set plainColumns to null");
      for (String name : names) {
        checkArgument(
            name != null && schema.getFieldIndex(name).isDefined(),
            "Cannot use %s as a plain column: no such column in %s",
            name,
            Arrays.toString(schema.fieldNames()));
        plainColumns.add(name);
      }
      return this;
    }

    /** Sets the codec of the non-media columns; default SNAPPY. */
    public Builder compression(CompressionCodecName codec) {
      checkArgument(codec != null, "Cannot set compression to null: use UNCOMPRESSED for none.");
      this.compression = codec;
      return this;
    }

    /** Sets the buffered size at which a row group is written; default 128 MiB. */
    public Builder rowGroupBytes(long bytes) {
      checkArgument(
          bytes > 0, "Cannot set rowGroupBytes to %s, the value must be positive.", bytes);
      this.rowGroupBytes = bytes;
      return this;
    }

    /** Sets the size from which a file is finished after its row group; default 512 MiB. */
    public Builder maxFileBytes(long bytes) {
      checkArgument(bytes > 0, "Cannot set maxFileBytes to %s, the value must be positive.", bytes);
      this.maxFileBytes = bytes;
      return this;
    }

    /** Tests only: false writes flat schemas through the record consumer as well. */
    Builder directColumnWrites(boolean direct) {
      this.directColumnWrites = direct;
      return this;
    }

    /** Sets the path of file n, for n = 0, 1, 2, ...; required. */
    public Builder files(IntFunction<Path> pathOfFile) {
      checkArgument(pathOfFile != null, "Cannot set files to null");
      this.files = pathOfFile;
      return this;
    }

    /**
     * Returns a writer; it creates no file before the first row.
     *
     * @throws IllegalArgumentException if the schema has an unsupported type, a media column is not
     *     a top-level binary column or is followed by a non-media column, or files is unset
     */
    public TableParquetWriter build() {
      checkArgument(
          files != null, "Cannot build a writer without files(...): it names the output files");
      MediaColumns.validate(schema, mediaColumns);
      return new TableParquetWriter(this);
    }
  }
}
