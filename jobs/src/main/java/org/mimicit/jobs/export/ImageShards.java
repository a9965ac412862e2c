package org.mimicit.jobs.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.export.ExportManifest;
import org.mimicit.common.export.FileDigest;
import org.mimicit.common.export.ImageShardWriter;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.warehouse.Partitions;
import org.mimicit.common.warehouse.SerializableConf;

/**
 * The image shards of the images-once Parquet layout, {@code parquet/images/images-*.parquet}: one
 * row per distinct content (sha256, format, width, height, bytes) among the images of the exported
 * examples, whatever the number of instructions, languages, ids or tasks that use it, in SHA-256
 * order. Shards are filled in that order up to {@code --shard-size} ({@link ShardPlan#place}: a
 * larger image gets a shard of its own). The bytes come from the images table's files as byte
 * ranges when they are plain ({@link ImageLocations}), else through a join.
 */
final class ImageShards {
  /** The folder under {@code parquet/}. */
  static final String FOLDER = "images";

  /** The references of each instruction's images, in order (see {@link #perInstruction}). */
  static final String REFS = "refs";

  static final String SHA256 = ImageSchema.SHA256;
  private static final String SIZE = "size";
  private static final String SHARD = ShardPlan.SHARD;

  /** Per image: its SHA-256, format and sizes as stored, and page headers. */
  private static final long ROW_BYTES = 128;

  /** Files written at once at most: one Spark task per shard up to this many. */
  private static final int MAX_WRITE_TASKS = 10_000;

  private ImageShards() {}

  /**
   * Per instruction the references of its images found, in the order of its image ids: task,
   * ins_id, refs (a list of pos, image_id, sha256, format); no row when none is found. Reads the
   * images table's ids, hashes and formats, not the bytes.
   */
  static Dataset<Row> perInstruction(Dataset<Row> instructions, Dataset<Row> images) {
    return ImageLocations.listPerInstruction(
        instructions,
        images.select(
            Partitions.TASK, ImageSchema.IMAGE_ID, ImageSchema.SHA256, ImageSchema.FORMAT),
        REFS,
        ImageSchema.IMAGE_ID,
        ImageSchema.SHA256,
        ImageSchema.FORMAT);
  }

  /** The path of image shard {@code index} of {@code count}, relative to the export folder. */
  static String shardPath(int index, int count) {
    return String.format(
        Locale.ROOT, "parquet/%s/images-%05d-of-%05d.parquet", FOLDER, index, count);
  }

  /**
   * Writes the image shards of the examples placed by {@code plan} (a Parquet plan) into {@code
   * staging}; returns their manifest entries (task empty: the files serve every task).
   */
  static List<ExportManifest.Entry> write(
      SparkSession spark,
      Configuration conf,
      ExportInputs inputs,
      ShardPlan.Summary plan,
      Path planPath,
      Path staging,
      long shardBytes,
      long rowGroupBytes) {
    Dataset<Row> placed =
        plan.plan()
            .where(col(ShardPlan.COMPLETE))
            .select(Partitions.TASK, InstructionSchema.INS_ID)
            .distinct();
    Dataset<Row> used =
        inputs
            .refs()
            .join(placed, ExampleTable.using(Partitions.TASK, InstructionSchema.INS_ID))
            .select(col(Partitions.TASK), explode(col(REFS)).as("r"))
            .select(
                col(Partitions.TASK),
                col("r." + ImageSchema.IMAGE_ID).as(ImageSchema.IMAGE_ID),
                col("r." + SHA256).as(SHA256));
    // one image per content: the first (task, image_id) that holds it
    Dataset<Row> chosen =
        used.groupBy(SHA256)
            .agg(min(struct(col(Partitions.TASK), col(ImageSchema.IMAGE_ID))).as("first"))
            .select(
                col(SHA256),
                col("first." + Partitions.TASK).as(Partitions.TASK),
                col("first." + ImageSchema.IMAGE_ID).as(ImageSchema.IMAGE_ID))
            .join(
                inputs
                    .images()
                    .select(
                        Partitions.TASK,
                        ImageSchema.IMAGE_ID,
                        ImageSchema.FORMAT,
                        ImageSchema.WIDTH,
                        ImageSchema.HEIGHT),
                ExampleTable.using(Partitions.TASK, ImageSchema.IMAGE_ID));
    Dataset<Row> locations = inputs.locations();
    boolean located = locations != null;
    Dataset<Row> rows =
        located
            ? chosen
                .join(
                    locations.select(
                        Partitions.TASK,
                        ImageSchema.IMAGE_ID,
                        ImageLocations.FILE,
                        ImageLocations.OFFSET,
                        ImageLocations.LENGTH),
                    ExampleTable.using(Partitions.TASK, ImageSchema.IMAGE_ID))
                .withColumn(SIZE, col(ImageLocations.LENGTH).cast(DataTypes.LongType))
            : chosen
                .join(
                    inputs
                        .images()
                        .select(Partitions.TASK, ImageSchema.IMAGE_ID, ImageSchema.BYTES),
                    ExampleTable.using(Partitions.TASK, ImageSchema.IMAGE_ID))
                .withColumn(SIZE, length(col(ImageSchema.BYTES)).cast(DataTypes.LongType));

    // the plan: shard numbers in SHA-256 order, filled up to the shard size (one small pass)
    spark.sparkContext().setJobDescription("plan image shards");
    ShardPlan.place(
            rows.select(
                lit("").as(Partitions.TASK),
                col(SHA256),
                lit(true).as(ShardPlan.COMPLETE),
                col(SIZE).plus(ROW_BYTES).as("estimate")),
            shardBytes,
            ShardPlan.FileSize.parquet(shardBytes, rowGroupBytes),
            SHA256)
        .select(SHA256, SHARD)
        .write()
        .parquet(planPath.toString());
    Dataset<Row> shardOf = spark.read().parquet(planPath.toString());
    Row last = shardOf.agg(max(col(SHARD))).first();
    if (last.isNullAt(0)) {
      return List.of();
    }
    int count = last.getInt(0) + 1;
    int partitions = Math.min(count, MAX_WRITE_TASKS);
    List<String> columns =
        new ArrayList<>(
            List.of(SHARD, SHA256, ImageSchema.FORMAT, ImageSchema.WIDTH, ImageSchema.HEIGHT));
    if (located) {
      columns.addAll(List.of(ImageLocations.FILE, ImageLocations.OFFSET, ImageLocations.LENGTH));
    } else {
      columns.add(ImageSchema.BYTES);
    }
    spark.sparkContext().setJobDescription("write " + count + " image shards");
    List<Row> files =
        rows.join(shardOf, ExampleTable.using(SHA256))
            .selectExpr(columns.toArray(new String[0]))
            .repartitionById(partitions, col(SHARD).mod(lit(partitions)))
            .sortWithinPartitions(SHARD, SHA256)
            .mapPartitions(
                new Writer(
                    new SerializableConf(conf), staging.toString(), count, rowGroupBytes, located),
                Encoders.row(ShardPartitionWriter.RESULT))
            .collectAsList();
    List<ExportManifest.Entry> entries = new ArrayList<>();
    for (Row file : files) {
      entries.add(ShardPartitionWriter.entryOf(file));
    }
    return entries;
  }

  /**
   * Writes the image shards of one Spark partition; rows sorted by shard and SHA-256: shard,
   * sha256, format, width, height, then file, offset, length ({@code located}) or bytes.
   */
  private record Writer(
      SerializableConf conf, String staging, int count, long rowGroupBytes, boolean located)
      implements MapPartitionsFunction<Row, Row> {
    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      List<Row> written = new ArrayList<>();
      ImageShardWriter writer = null;
      int shard = -1;
      String path = null;
      try (ImageRanges ranges = new ImageRanges(conf.get())) {
        while (rows.hasNext()) {
          Row r = rows.next();
          if (writer == null || r.getInt(0) != shard) {
            if (writer != null) {
              written.add(result(path, writer));
            }
            shard = r.getInt(0);
            path = shardPath(shard, count);
            writer = new ImageShardWriter(conf.get(), new Path(staging, path), rowGroupBytes);
          }
          byte[] bytes =
              located ? ranges.read(r.getString(5), r.getLong(6), r.getInt(7)) : r.getAs(5);
          writer.write(r.getString(1), r.getString(2), r.getInt(3), r.getInt(4), bytes);
        }
        if (writer != null) {
          written.add(result(path, writer));
          writer = null;
        }
      } catch (IOException | RuntimeException e) {
        if (writer != null) {
          try {
            writer.abort();
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e instanceof RuntimeException re
            ? re
            : new MimicitException(e, "Cannot write image shards: %s", e.getMessage());
      }
      return written.iterator();
    }

    private static Row result(String path, ImageShardWriter writer) {
      long rows = writer.rows();
      FileDigest d = writer.finish();
      return RowFactory.create(
          ExportFormat.PARQUET.label(),
          path,
          "",
          rows,
          scala.jdk.javaapi.CollectionConverters.asScala(new java.util.TreeMap<String, Long>()),
          d.bytes(),
          d.sha256(),
          d.md5());
    }
  }
}
