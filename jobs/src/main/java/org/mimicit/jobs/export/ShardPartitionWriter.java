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
import org.mimicit.common.export.FileDigest;
import org.mimicit.common.export.ParquetShardWriter;
import org.mimicit.common.export.ShardWriter;
import org.mimicit.common.export.WebDatasetShardWriter;
import org.mimicit.common.source.SerializableConf;

/**
 * Writes the shards of one Spark partition. Input rows, sorted by task, shard, ordinal and pos:
 * per example one text row ({@code pos = -1}) followed by one row per image. Each shard is written
 * in the format, then re-read once for its SHA-256 and MD5. Output: one row per file
 * ({@link #RESULT}).
 */
final class ShardPartitionWriter implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  static final StructType RESULT = new StructType()
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

  ShardPartitionWriter(SerializableConf conf, String staging, ExportFormat format,
      Map<String, Integer> shardsByTask, long rowGroupBytes) {
    this.conf = conf;
    this.staging = staging;
    this.format = format;
    this.shardsByTask = Map.copyOf(shardsByTask);
    this.rowGroupBytes = rowGroupBytes;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    List<Row> written = new ArrayList<>();
    Shard shard = null;
    try {
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
        shard.add(r);
      }
      if (shard != null) {
        written.add(shard.finish());
        shard = null;
      }
    } catch (RuntimeException e) {
      if (shard != null) {
        shard.abort(e);
      }
      throw e;
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

    Shard(String task, int index) {
      this.task = task;
      this.index = index;
      Configuration hadoop = conf.get();
      this.path = format.shardPath(task, index, shardsByTask.get(task));
      Path file = new Path(staging, path);
      this.writer = format == ExportFormat.PARQUET
          ? new ParquetShardWriter(hadoop, file, rowGroupBytes)
          : new WebDatasetShardWriter(hadoop, file);
    }

    void add(Row r) {
      if (r.getInt(3) < 0) {
        flushExample();
        text = r;
      } else {
        images.add(new Example.Image(r.getString(9), r.getString(10), r.getAs(11)));
      }
    }

    private void flushExample() {
      if (text == null) {
        return;
      }
      List<Example.ContextEntry> context = new ArrayList<>();
      for (Row c : text.<Row>getList(8)) {
        context.add(new Example.ContextEntry(c.getString(0), c.getString(1), c.getString(2),
            c.getList(3)));
      }
      Example example = new Example(String.format(Locale.ROOT, "%09d", text.getLong(2)),
          text.getString(4), task, text.getString(5), text.getString(6), text.getString(7),
          context, images);
      writer.write(example);
      languages.merge(example.lang(), 1L, Long::sum);
      examples++;
      text = null;
      images = new ArrayList<>();
    }

    Row finish() {
      flushExample();
      writer.finish();
      try {
        FileDigest d = FileDigest.of(new Path(staging, path), conf.get());
        return RowFactory.create(format.label(), path, task, examples,
            scala.jdk.javaapi.CollectionConverters.asScala(languages), d.bytes(), d.sha256(),
            d.md5());
      } catch (IOException e) {
        throw new MimicitException(e, "Cannot hash shard %s: %s", path, e.getMessage());
      }
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
