package org.mimicit.jobs.export;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.io.MediaValueRanges;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.source.SerializableConf;
import org.mimicit.common.source.SourceColumns;

/**
 * Where each image's bytes lie in the images table's files ({@link MediaValueRanges}): task,
 * image_id, format, file, offset, length. Found from the footers, page headers and 4 bytes per
 * image, so the export knows every image's size without reading the bytes, and its shard writers
 * copy byte ranges instead of moving image bytes through a shuffle.
 */
final class ImageLocations {
  static final String FILE = "file";
  static final String OFFSET = "offset";
  static final String LENGTH = "length";
  private static final String ROW = "row";
  private static final StructType RANGES = new StructType()
      .add(FILE, DataTypes.StringType)
      .add(ROW, DataTypes.LongType)
      .add(OFFSET, DataTypes.LongType)
      .add(LENGTH, DataTypes.IntegerType);

  private ImageLocations() {}

  /**
   * The locations of the images, or null when some file of the images table does not store its
   * bytes as plain ranges (e.g. written by another Parquet writer, compressed).
   */
  static Dataset<Row> locate(SparkSession spark, Dataset<Row> images) {
    Dataset<Row> ids = images.select(col(SourceColumns.TASK), col(ImageSchema.IMAGE_ID),
        col(ImageSchema.FORMAT), col("_metadata.file_path").as(FILE),
        col("_metadata.row_index").as(ROW));
    List<String> files = ids.select(FILE).distinct().orderBy(FILE).as(Encoders.STRING())
        .collectAsList();
    if (files.isEmpty()) {
      return null;
    }
    int partitions = Math.min(files.size(), spark.sparkContext().defaultParallelism() * 2);
    Dataset<Row> ranges = spark.createDataset(files, Encoders.STRING())
        .repartition(partitions)
        .flatMap(new Locate(new SerializableConf(spark.sessionState().newHadoopConf())),
            Encoders.row(RANGES))
        .cache();
    if (!ranges.where(col(ROW).lt(0)).isEmpty()) {
      ranges.unpersist();
      return null;
    }
    return ids.join(ranges, ExampleTable.using(FILE, ROW)).drop(ROW);
  }

  /** The ranges of one file's images; one row with row -1 when the file has no plain ranges. */
  private record Locate(SerializableConf conf) implements FlatMapFunction<String, Row> {
    @Override
    public java.util.Iterator<Row> call(String file) {
      List<Row> rows = new ArrayList<>();
      try {
        MediaValueRanges.Ranges r =
            MediaValueRanges.locate(conf.get(), new Path(URI.create(file)), ImageSchema.BYTES);
        if (r == null) {
          rows.add(RowFactory.create(file, -1L, -1L, -1));
        } else {
          for (int i = 0; i < r.offsets().length; i++) {
            rows.add(RowFactory.create(file, (long) i, r.offsets()[i], r.lengths()[i]));
          }
        }
      } catch (IOException e) {
        throw new MimicitException(e, "Cannot locate the images in %s: %s", file, e.getMessage());
      }
      return rows.iterator();
    }
  }
}
