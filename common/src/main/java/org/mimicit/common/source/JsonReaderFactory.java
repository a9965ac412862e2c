package org.mimicit.common.source;

import java.io.IOException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.warehouse.SerializableConf;

/** Creates, on the executors, the reader of one {@link FileRange}. */
final class JsonReaderFactory implements PartitionReaderFactory {
  private static final long serialVersionUID = 1L;

  private final SourceFormat format;
  private final StructType readSchema;
  private final ReadMode mode;
  private final SerializableConf conf;

  JsonReaderFactory(
      SourceFormat format, StructType readSchema, ReadMode mode, SerializableConf conf) {
    this.format = format;
    this.readSchema = readSchema;
    this.mode = mode;
    this.conf = conf;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    FileRange range = (FileRange) partition;
    try {
      return switch (format) {
        case IMAGES -> new ImagesPartitionReader(range, readSchema, mode, conf.get());
        case INSTRUCTIONS -> new InstructionsPartitionReader(range, readSchema, mode, conf.get());
        case TRAIN -> new TrainPartitionReader(range, readSchema, mode, conf.get());
      };
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot open %s: %s", range.path(), e.getMessage());
    }
  }
}
