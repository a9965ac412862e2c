package org.mimicit.jobs.export;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.export.Example;
import org.mimicit.common.export.ExportManifest;
import org.mimicit.common.export.FileDigest;
import org.mimicit.common.export.ParquetShardWriter;
import org.mimicit.common.export.Sample;
import org.mimicit.common.export.ShardWriter;
import org.mimicit.common.export.WebDatasetShardWriter;
import org.mimicit.common.warehouse.SerializableConf;

/**
 * Writes the shards of one Spark partition. Input rows are sorted by task, shard, ordinal (and pos)
 * and start with task, shard, ordinal, ins_id, lang, instruction, answer, context. Then ({@link
 * Input}), {@code LOCATED}: one row per example ends with its images' locations (a list of pos,
 * image_id, format, file, offset, length), whose bytes are read from the images table's files;
 * {@code REFERENCED}: one row per example ends with its images' references (a list of pos,
 * image_id, sha256, format); {@code GROUPED}: one row per example of a WebDataset sample (rows of a
 * sample share its ordinal) ends with its image ids and the sample's images; {@code ROWS}: an
 * example is a text row (image_id, format, bytes null, pos -1) followed by one row per image with
 * its bytes. Each shard is written in the format and hashed (SHA-256, MD5) by its writer. Output:
 * one row per file ({@link #RESULT}).
 */
final class ShardPartitionWriter implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  static final StructType RESULT =
      new StructType()
          .add("format", DataTypes.StringType)
          .add("path", DataTypes.StringType)
          .add("task", DataTypes.StringType)
          .add("rows", DataTypes.LongType)
          .add("languages", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
          .add("bytes", DataTypes.LongType)
          .add("sha256", DataTypes.StringType)
          .add("md5", DataTypes.StringType);

  private final SerializableConf conf;
  private final String staging;
  private final ExportFormat format;
  private final Map<String, Integer> shardsByTask;
  private final long rowGroupBytes;
  private final Input input;

  /** How the rows bring the images. */
  enum Input {
    /** A text row, then a row per image with its bytes. */
    ROWS,
    /** One row per example with its images' locations in the images table's files. */
    LOCATED,
    /** One row per example with its images' ids and SHA-256 (referencing shards: no bytes). */
    REFERENCED,
    /**
     * One row per example of a WebDataset sample of the images-once layout ({@link SampleGroups}):
     * rows of one sample share the ordinal and carry the set's images.
     */
    GROUPED
  }

  ShardPartitionWriter(
      SerializableConf conf,
      String staging,
      ExportFormat format,
      Map<String, Integer> shardsByTask,
      long rowGroupBytes,
      Input input) {
    this.conf = conf;
    this.staging = staging;
    this.format = format;
    this.shardsByTask = Map.copyOf(shardsByTask);
    this.rowGroupBytes = rowGroupBytes;
    this.input = input;
  }

  /** The manifest entry of a file written, from its {@link #RESULT} row. */
  static ExportManifest.Entry entryOf(Row file) {
    Map<String, Long> langs = file.getJavaMap(4);
    return new ExportManifest.Entry(
        file.getString(1),
        file.getString(0),
        file.getString(2),
        file.getLong(3),
        new TreeMap<>(langs),
        file.getLong(5),
        file.getString(6),
        file.getString(7));
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    List<Row> written = new ArrayList<>();
    Shard shard = null;
    try (ImageRanges ranges = new ImageRanges(conf.get())) {
      while (rows.hasNext()) {
        Row r = rows.next();
        String task = r.getString(0);
        int index = r.getInt(1);
        if (shard == null || !shard.task.equals(task) || shard.index != index) {
          if (shard != null) {
            written.add(shard.finish());
          }
          shard = new Shard(task, index);
        }
        switch (input) {
          case LOCATED -> shard.addLocated(r, ranges);
          case REFERENCED -> shard.addReferenced(r);
          case GROUPED -> shard.addGrouped(r, ranges);
          case ROWS -> shard.add(r);
        }
      }
      if (shard != null) {
        written.add(shard.finish());
        shard = null;
      }
    } catch (IOException | RuntimeException e) {
      if (shard != null) {
        shard.abort(e);
      }
      throw e instanceof RuntimeException r
          ? r
          : new MimicitException(e, "Cannot write shards: %s", e.getMessage());
    }
    return written.iterator();
  }

  /** One shard being written: its writers and the example being assembled. */
  private final class Shard {
    final String task;
    final int index;
    final String path;
    final ShardWriter writer;
    final SortedMap<String, Long> languages = new TreeMap<>();
    long examples;
    Row text;
    List<Example.Image> images = new ArrayList<>();
    long sampleOrdinal = -1;
    List<Sample.SampleImage> sampleImages;
    List<Sample.Entry> entries = new ArrayList<>();

    Shard(String task, int index) {
      this.task = task;
      this.index = index;
      Configuration hadoop = conf.get();
      this.path = format.shardPath(task, index, shardsByTask.get(task));
      Path file = new Path(staging, path);
      this.writer =
          format == ExportFormat.PARQUET
              ? new ParquetShardWriter(hadoop, file, rowGroupBytes, input == Input.REFERENCED)
              : new WebDatasetShardWriter(hadoop, file);
    }

    void add(Row r) {
      if (r.getInt(11) < 0) {
        flushExample();
        text = r;
      } else {
        images.add(new Example.Image(r.getString(8), r.getString(9), r.getAs(10)));
      }
    }

    void addLocated(Row r, ImageRanges ranges) throws IOException {
      text = r;
      if (!r.isNullAt(8)) {
        for (Row image : r.<Row>getList(8)) {
          images.add(
              new Example.Image(
                  image.getString(1),
                  image.getString(2),
                  ranges.read(image.getString(3), image.getLong(4), image.getInt(5))));
        }
      }
      flushExample();
    }

    void addReferenced(Row r) {
      text = r;
      if (!r.isNullAt(8)) {
        for (Row image : r.<Row>getList(8)) {
          images.add(
              new Example.Image(image.getString(1), image.getString(3), null, image.getString(2)));
        }
      }
      flushExample();
    }

    void addGrouped(Row r, ImageRanges ranges) throws IOException {
      long ordinal = r.getLong(2);
      if (ordinal != sampleOrdinal) {
        flushSample();
        sampleOrdinal = ordinal;
        sampleImages = new ArrayList<>();
        if (!r.isNullAt(9)) {
          for (Row image : r.<Row>getList(9)) {
            byte[] bytes =
                image.size() == 4
                    ? image.getAs(3)
                    : ranges.read(image.getString(3), image.getLong(4), image.getInt(5));
            sampleImages.add(
                new Sample.SampleImage(
                    image.getString(0), image.getString(1), image.getString(2), bytes));
          }
        }
      }
      entries.add(
          new Sample.Entry(
              r.getString(3),
              r.getString(4),
              r.getString(5),
              r.getString(6),
              context(r.getList(7)),
              r.getList(8)));
      languages.merge(r.getString(4), 1L, Long::sum);
      examples++;
    }

    private void flushSample() {
      if (entries.isEmpty()) {
        return;
      }
      ((WebDatasetShardWriter) writer)
          .write(
              new Sample(
                  String.format(Locale.ROOT, "%09d", sampleOrdinal), task, sampleImages, entries));
      entries = new ArrayList<>();
    }

    private List<Example.ContextEntry> context(List<Row> rows) {
      List<Example.ContextEntry> context = new ArrayList<>();
      for (Row c : rows) {
        context.add(
            new Example.ContextEntry(c.getString(0), c.getString(1), c.getString(2), c.getList(3)));
      }
      return context;
    }

    private void flushExample() {
      if (text == null) {
        return;
      }
      List<Example.ContextEntry> context = context(text.getList(7));
      Example example =
          new Example(
              String.format(Locale.ROOT, "%09d", text.getLong(2)),
              text.getString(3),
              task,
              text.getString(4),
              text.getString(5),
              text.getString(6),
              context,
              images);
      writer.write(example);
      languages.merge(example.lang(), 1L, Long::sum);
      examples++;
      text = null;
      images = new ArrayList<>();
    }

    Row finish() {
      flushExample();
      flushSample();
      FileDigest d = writer.finish();
      return RowFactory.create(
          format.label(),
          path,
          task,
          examples,
          scala.jdk.javaapi.CollectionConverters.asScala(languages),
          d.bytes(),
          d.sha256(),
          d.md5());
    }

    void abort(Exception cause) {
      try {
        writer.abort();
      } catch (RuntimeException e) {
        cause.addSuppressed(e);
      }
    }
  }
}
