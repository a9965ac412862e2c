package org.mimicit.common.io;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.io.Closeable;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
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

  /**
   * A finished Parquet file: its path, row count, length in bytes and, when the writer was asked to
   * hash its files ({@link Builder#digest}), their SHA-256 and MD5 in hex (else null).
   */
  public record WrittenFile(Path path, long rows, long bytes, String sha256, String md5) {
    public WrittenFile(Path path, long rows, long bytes) {
      this(path, rows, bytes, null, null);
    }
  }

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
  private final RowWriter rowWriter;
  private final RowGroupFiles files;
  private State state = State.OPEN;

  private TableParquetWriter(Builder builder) {
    this.conf = builder.conf;
    this.rowWriter = new RowWriter(builder.schema);
    this.files =
        new RowGroupFiles(
            builder.conf,
            builder.schema,
            builder.mediaColumns,
            builder.plainColumns,
            builder.compression,
            builder.directColumnWrites,
            builder.rowGroupBytes,
            builder.maxFileBytes,
            builder.files,
            builder.digest);
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
      files.write(rowWriter, row);
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
      files.finish();
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    }
    state = State.CLOSED;
    files.releaseCodecs();
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
    files.release(null);
    state = State.ABORTED;
    List<Path> paths = files.dropAll();
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
    return files.written();
  }

  private RuntimeException fail(Exception cause) {
    state = State.FAILED;
    Path path = files.path();
    files.release(cause);
    return cause instanceof IOException
        ? new MimicitException(cause, "Cannot write Parquet file %s", path)
        : (RuntimeException) cause;
  }

  static void checkState(boolean condition, String message, Object... args) {
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
    private boolean digest;

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

    /**
     * Hashes every file as it is written (SHA-256 and MD5, in {@link WrittenFile}), instead of a
     * second read; default false.
     */
    public Builder digest(boolean hash) {
      this.digest = hash;
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
