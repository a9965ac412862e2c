package org.mimicit.common.io;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * File systems for bulk data. On the local file system this is the raw one: Hadoop's checksummed
 * local file system writes a {@code .crc} file beside every file and cuts every write into 512-byte
 * chunks, which costs more CPU and system time than the Parquet encoding itself. Parquet files
 * carry their own page checksums; other file systems (HDFS, S3A) are used as they are.
 */
public final class DataFiles {
  private static final int BUFFER = 1 << 20;

  private DataFiles() {}

  public static FileSystem fileSystem(Path path, Configuration conf) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
  }

  /** A Parquet output file on {@link #fileSystem}; never overwrites. */
  public static OutputFile outputFile(Path path, Configuration conf) throws IOException {
    FileSystem fs = fileSystem(path, conf);
    return new OutputFile() {
      @Override
      public PositionOutputStream create(long blockSizeHint) throws IOException {
        return HadoopStreams.wrap(fs.create(path, false, BUFFER));
      }

      @Override
      public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        return HadoopStreams.wrap(fs.create(path, true, BUFFER));
      }

      @Override
      public boolean supportsBlockSize() {
        return false;
      }

      @Override
      public long defaultBlockSize() {
        return 0;
      }

      @Override
      public String getPath() {
        return path.toString();
      }
    };
  }
}
