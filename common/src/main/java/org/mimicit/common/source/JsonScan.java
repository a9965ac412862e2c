package org.mimicit.common.source;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.mimicit.common.io.InputLayout;
import org.mimicit.common.io.InputLayout.TaskFile;
import org.mimicit.common.warehouse.SerializableConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans the read: lists the files, cuts each into byte ranges of Spark's file split size (the
 * formula of Spark's {@code FilePartition.maxSplitBytes}), and for instructions files moves each
 * cut onto the exact start of a record.
 */
final class JsonScan implements ScanBuilder, SupportsPushDownRequiredColumns, Scan, Batch {
  private static final Logger LOG = LoggerFactory.getLogger(JsonScan.class);

  private final SourceFormat format;
  private final CaseInsensitiveStringMap options;
  private StructType readSchema;

  JsonScan(SourceFormat format, StructType schema, CaseInsensitiveStringMap options) {
    this.format = format;
    this.readSchema = schema;
    this.options = options;
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    this.readSchema = requiredSchema;
  }

  @Override
  public Scan build() {
    return this;
  }

  @Override
  public StructType readSchema() {
    return readSchema;
  }

  @Override
  public String description() {
    return format.shortName + " " + SourceOptions.paths(options);
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  @Override
  public InputPartition[] planInputPartitions() {
    SparkSession spark = SparkSession.active();
    Configuration conf = spark.sessionState().newHadoopConf();
    List<TaskFile> files = new ArrayList<>();
    for (String path : SourceOptions.paths(options)) {
      files.addAll(InputLayout.list(conf, path, format.kind, SourceOptions.tasks(options)));
    }
    long splitSize = splitSize(spark, files);
    List<InputPartition> ranges = new ArrayList<>();
    for (TaskFile file : files) {
      // train files are read whole, one task each (they are a fraction of the instructions' size)
      long[] cuts =
          format == SourceFormat.TRAIN
              ? new long[] {0, file.length()}
              : cuts(file.length(), splitSize);
      if (format == SourceFormat.INSTRUCTIONS) {
        cuts = RecordIndexes.recordStarts(conf, file, cuts);
      }
      for (int i = 0; i + 1 < cuts.length; i++) {
        if (cuts[i] < cuts[i + 1]) {
          ranges.add(new FileRange(file.task(), file.path(), file.length(), cuts[i], cuts[i + 1]));
        }
      }
    }
    LOG.debug(
        "Reading {} file(s) as {} partition(s) of at most {} bytes",
        files.size(),
        ranges.size(),
        splitSize);
    return ranges.toArray(new InputPartition[0]);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    Configuration conf = SparkSession.active().sessionState().newHadoopConf();
    return new JsonReaderFactory(
        format, readSchema, SourceOptions.mode(options), new SerializableConf(conf));
  }

  /** Spark's {@code FilePartition.maxSplitBytes}: small inputs still spread over every core. */
  private static long splitSize(SparkSession spark, List<TaskFile> files) {
    SQLConf sql = spark.sessionState().conf();
    long openCost = sql.filesOpenCostInBytes();
    long total = 0;
    for (TaskFile f : files) {
      total += f.length() + openCost;
    }
    int minPartitions = spark.sparkContext().defaultParallelism();
    long bytesPerCore = total / Math.max(1, minPartitions);
    return Math.max(1, Math.min(sql.filesMaxPartitionBytes(), Math.max(openCost, bytesPerCore)));
  }

  /** 0, size, 2 * size, ..., length. */
  private static long[] cuts(long length, long splitSize) {
    int n = (int) Math.max(1, (length + splitSize - 1) / splitSize);
    long[] cuts = new long[n + 1];
    for (int i = 0; i < n; i++) {
      cuts[i] = i * splitSize;
    }
    cuts[n] = length;
    return cuts;
  }
}
