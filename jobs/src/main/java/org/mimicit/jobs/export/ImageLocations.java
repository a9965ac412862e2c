package org.mimicit.jobs.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.InputFile;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.io.MediaValueRanges;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.warehouse.Partitions;
import org.mimicit.common.warehouse.SerializableConf;

/**
 * Where each image's bytes lie in the images table's files ({@link MediaValueRanges}): task,
 * image_id, format, file, offset, length. Found from the footers, page headers, ids and 4 bytes per
 * image, so the export knows every image's size without reading the bytes, and its shard writers
 * copy byte ranges instead of moving image bytes through a shuffle.
 */
final class ImageLocations {
  static final String FILE = "file";
  static final String OFFSET = "offset";
  static final String LENGTH = "length";
  static final String LOCATED = "located";
  private static final StructType SCHEMA =
      new StructType()
          .add(Partitions.TASK, DataTypes.StringType)
          .add(ImageSchema.IMAGE_ID, DataTypes.StringType)
          .add(ImageSchema.FORMAT, DataTypes.StringType)
          .add(FILE, DataTypes.StringType)
          .add(OFFSET, DataTypes.LongType)
          .add(LENGTH, DataTypes.IntegerType);
  private static final String ID_AND_FORMAT =
      "message spark_schema { required binary "
          + ImageSchema.IMAGE_ID
          + " (STRING); required binary "
          + ImageSchema.FORMAT
          + " (STRING); }";

  private ImageLocations() {}

  /**
   * The locations of the images of {@code tasks}, or null when some file of the images table does
   * not store its bytes as plain ranges (e.g. written by another Parquet writer, compressed). Reads
   * the footers, page headers, ids and formats of the files, not the bytes.
   */
  static Dataset<Row> locate(SparkSession spark, Dataset<Row> images, List<String> tasks) {
    List<String> files = new ArrayList<>();
    for (String file : images.inputFiles()) {
      if (tasks.contains(taskOf(file))) {
        files.add(file);
      }
    }
    if (files.isEmpty()) {
      return null;
    }
    java.util.Collections.sort(files);
    int partitions = Math.min(files.size(), spark.sparkContext().defaultParallelism() * 2);
    Dataset<Row> located =
        spark
            .createDataset(files, Encoders.STRING())
            .repartition(partitions)
            .flatMap(
                new Locate(new SerializableConf(spark.sessionState().newHadoopConf())),
                Encoders.row(SCHEMA))
            .persist(
                StorageLevel.MEMORY_AND_DISK()); // a few numbers per image, used by several queries
    if (!located.where(col(LENGTH).lt(0)).isEmpty()) {
      located.unpersist();
      return null;
    }
    return located;
  }

  /**
   * Per instruction the locations of its images found, in the order of its image ids: task, ins_id,
   * located (a list of pos, image_id, format, file, offset, length); no row when none is found.
   * Computed once for the shard plan and the shard writers.
   */
  static Dataset<Row> perInstruction(Dataset<Row> instructions, Dataset<Row> locations) {
    return listPerInstruction(
        instructions,
        locations,
        LOCATED,
        ImageSchema.IMAGE_ID,
        ImageSchema.FORMAT,
        FILE,
        OFFSET,
        LENGTH);
  }

  /**
   * Per instruction a list of {@code fields} of {@code byImage} (rows keyed by task and image_id),
   * one entry per image id found, in the order of its image ids (pos first in each entry), named
   * {@code name}: task, ins_id, name; no row when none is found.
   */
  static Dataset<Row> listPerInstruction(
      Dataset<Row> instructions, Dataset<Row> byImage, String name, String... fields) {
    Column[] entry = new Column[fields.length + 1];
    entry[0] = col(ShardPlan.POS);
    for (int i = 0; i < fields.length; i++) {
      entry[i + 1] = col(fields[i]);
    }
    return instructions
        .select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            posexplode(col(InstructionSchema.IMAGE_IDS))
                .as(new String[] {ShardPlan.POS, ImageSchema.IMAGE_ID}))
        .join(byImage, ExampleTable.using(Partitions.TASK, ImageSchema.IMAGE_ID))
        .groupBy(Partitions.TASK, InstructionSchema.INS_ID)
        .agg(sort_array(collect_list(struct(entry))).as(name));
  }

  /** The task of a file of the images table: its {@code task=<TASK>} folder. */
  private static String taskOf(String file) {
    String parent = new Path(URI.create(file)).getParent().getName();
    return parent.startsWith(Partitions.TASK + "=")
        ? parent.substring(Partitions.TASK.length() + 1)
        : null;
  }

  /**
   * A reader of the ids and formats with the task's configuration: {@code
   * ParquetReader.builder(readSupport, path)} makes a new Hadoop configuration per file, which
   * parses Hadoop's default XML resources each time.
   */
  private static final class IdReader extends ParquetReader.Builder<Group> {
    IdReader(InputFile file) {
      super(file);
    }

    @Override
    protected ReadSupport<Group> getReadSupport() {
      return new GroupReadSupport();
    }
  }

  /** The locations of one file's images; one row with length -1 when it has no plain ranges. */
  private record Locate(SerializableConf conf) implements FlatMapFunction<String, Row> {
    @Override
    public java.util.Iterator<Row> call(String file) {
      List<Row> rows = new ArrayList<>();
      Path path = new Path(URI.create(file));
      String task =
          taskOf(file); // once per file: parsing the path per image cost more than the ids
      try {
        MediaValueRanges.Ranges r = MediaValueRanges.locate(conf.get(), path, ImageSchema.BYTES);
        if (r == null) {
          rows.add(RowFactory.create(task, null, null, file, -1L, -1));
          return rows.iterator();
        }
        Configuration projected = new Configuration(conf.get());
        projected.set(ReadSupport.PARQUET_READ_SCHEMA, ID_AND_FORMAT);
        try (ParquetReader<Group> reader =
            new IdReader(HadoopInputFile.fromPath(path, projected)).build()) {
          int i = 0;
          for (Group g; (g = reader.read()) != null; i++) {
            rows.add(
                RowFactory.create(
                    task,
                    g.getString(ImageSchema.IMAGE_ID, 0),
                    g.getString(ImageSchema.FORMAT, 0),
                    file,
                    r.offsets()[i],
                    r.lengths()[i]));
          }
        }
      } catch (IOException e) {
        throw new MimicitException(e, "Cannot locate the images in %s: %s", file, e.getMessage());
      }
      return rows.iterator();
    }
  }
}
